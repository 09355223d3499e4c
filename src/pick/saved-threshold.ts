// The threshold saved with a pick run (`threshold.json`, written by `cryopick view`): a score rule
// with `cryopick threshold --threshold` semantics (keep score >= threshold), which `cryopick threshold
// RUN --saved` and `cryopick report` use, so the run's outputs can be rewritten at it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';

export const SAVED_THRESHOLD_NAME = 'threshold.json';

export interface SavedThreshold {
  readonly kind: 'cryopick-threshold';
  readonly version: 1;
  /** Keep detections with score >= threshold (a logit). */
  readonly threshold: number;
  /** Who chose it and how, e.g. 'cryopick view'. */
  readonly chosenBy: string;
  readonly savedAt: string;
}

/** Writes `<runDir>/threshold.json` atomically (replacing an earlier one). */
export async function writeSavedThreshold(runDir: string, threshold: number, chosenBy: string): Promise<string> {
  if (!Number.isFinite(threshold)) throw new RangeError(`threshold must be a finite number, got ${threshold}`);
  const saved: SavedThreshold = { kind: 'cryopick-threshold', version: 1, threshold, chosenBy, savedAt: new Date().toISOString() };
  const path = join(runDir, SAVED_THRESHOLD_NAME);
  await writeFileAtomic(path, `${JSON.stringify(saved, null, 2)}\n`, { overwrite: true });
  return path;
}

/**
 * Reads the saved threshold of a run, or undefined when none was saved.
 * @throws FormatError when the file is not a saved threshold.
 */
export async function readSavedThreshold(runDir: string): Promise<SavedThreshold | undefined> {
  const path = join(runDir, SAVED_THRESHOLD_NAME);
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new FormatError({ path }, 'expected JSON written by cryopick view');
  }
  const v = value as Partial<SavedThreshold>;
  if (v.kind !== 'cryopick-threshold' || typeof v.threshold !== 'number' || !Number.isFinite(v.threshold)) {
    throw new FormatError({ path }, 'expected {"kind": "cryopick-threshold", "threshold": <number>, ...}');
  }
  return { kind: 'cryopick-threshold', version: 1, threshold: v.threshold, chosenBy: String(v.chosenBy ?? ''), savedAt: String(v.savedAt ?? '') };
}
