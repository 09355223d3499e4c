// Saving a viewer session: the curated picks (kept by the threshold and size range, with the
// edits, bad micrographs left out) in the chosen formats, training labels that `cryopick train`
// reads (micrographs marked empty listed for its --empty-micrographs: negative training images),
// the session state, and the threshold saved with the pick run. All or nothing: the output
// folder is built beside the old one and swapped in by rename.
import { existsSync, readdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { MicrographPicks } from '../io/coords.js';
import { writeCoordinates } from '../io/coordinate-formats.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeFormattedPicks, type PickOutputFormat } from '../pick/outputs.js';
import { writeSavedThreshold } from '../pick/saved-threshold.js';
import type { ViewSession } from './view-session.js';
import { formatViewState, VIEW_STATE_NAME } from './view-state.js';

export const LABELS_DIR = 'labels';
/** The micrographs marked empty, one name a line: `cryopick train --empty-micrographs` reads it. */
export const EMPTY_LIST_NAME = 'empty-micrographs.txt';

export interface SaveOptions {
  readonly outDir: string;
  readonly formats: readonly PickOutputFormat[];
  /** The pick run whose threshold is saved (threshold.json), when viewing one. */
  readonly pickRun?: string;
  /** Box size in original pixels for .box/.cbox (default: each pick's diameter, else the session's). */
  readonly boxSizePx?: number;
  /** Runs `write` holding the pick run folder's lock (default: runs it directly). */
  readonly withRunLock?: <T>(runDir: string, write: () => Promise<T>) => Promise<T>;
}

export interface SaveResult {
  readonly outDir: string;
  readonly files: readonly string[];
  readonly particles: number;
  readonly micrographs: number;
  readonly excluded: number;
  readonly empty: number;
  readonly thresholdFile?: string;
  /** A `cryopick train` command line that trains from the saved labels. */
  readonly trainCommand: string;
}

function quote(s: string): string {
  return /^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Refuses to replace a folder that is not an earlier viewer output (it could hold anything). */
function checkReplaceable(outDir: string): void {
  if (!existsSync(outDir)) return;
  const names = readdirSync(outDir);
  if (names.length > 0 && !names.includes(VIEW_STATE_NAME)) {
    throw new UserError('EEXIST', `${outDir} exists and is not an output of cryopick view (no ${VIEW_STATE_NAME}); choose another --out`);
  }
}

/** The curated picks of every micrograph that is not marked bad (empty ones have none). */
export function curatedPicks(session: ViewSession): MicrographPicks[] {
  const out: MicrographPicks[] = [];
  session.micrographs.forEach((m, i) => {
    if (session.markOf(i) === 'bad') return;
    const particles = session.keptOf(i).map((p) => (p.diameter === undefined && session.diameterPx !== undefined ? { ...p, diameter: session.diameterPx } : p));
    out.push({
      micrograph: m.name, particles, frame: { binning: 1, yFlipped: false },
      ...(m.width === undefined ? {} : { width: m.width }), ...(m.height === undefined ? {} : { height: m.height }),
    });
  });
  return out;
}

/**
 * Writes everything (see the file comment), holding the pick run's lock when viewing one.
 * @throws UserError when the output folder is foreign (or the lock is held by another process).
 */
export async function saveSession(session: ViewSession, options: SaveOptions): Promise<SaveResult> {
  const run = options.pickRun;
  if (run !== undefined && options.withRunLock) return options.withRunLock(run, () => saveUnlocked(session, options));
  return saveUnlocked(session, options);
}

async function saveUnlocked(session: ViewSession, options: SaveOptions): Promise<SaveResult> {
  const outDir = options.outDir;
  checkReplaceable(outDir);
  const picks = curatedPicks(session);
  const empty = session.micrographs.filter((_, i) => session.markOf(i) === 'empty');
  const staging = join(dirname(outDir), `.${basename(outDir)}.${process.pid}.${Date.now().toString(36)}.saving`);
  const files: string[] = [];
  try {
    const written = await writeFormattedPicks(picks, options.formats, staging, {
      ...(options.boxSizePx === undefined ? {} : { boxSizePx: options.boxSizePx }),
    });
    files.push(...written.files);
    // training labels: one RELION coordinate file per usable micrograph (empty ones with no rows)
    files.push(...(await writeCoordinates(join(staging, LABELS_DIR) + '/', picks, 'star', { perMicrograph: true })));
    if (empty.length > 0) {
      const list = `# micrographs marked empty in cryopick view (no particles): cryopick train --empty-micrographs trains every pixel as non-particle\n${empty.map((m) => `${m.name}\n`).join('')}`;
      await writeFileAtomic(join(staging, EMPTY_LIST_NAME), list);
      files.push(join(staging, EMPTY_LIST_NAME));
    }
    await writeFileAtomic(join(staging, VIEW_STATE_NAME), formatViewState(session.edits()));
    const old = `${staging}.old`;
    if (existsSync(outDir)) await rename(outDir, old);
    await rename(staging, outDir);
    await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  let thresholdFile: string | undefined;
  const threshold = session.filter.threshold;
  if (options.pickRun !== undefined && session.hasScores && Number.isFinite(threshold)) {
    thresholdFile = await writeSavedThreshold(options.pickRun, threshold, 'cryopick view');
  }
  session.dirty = false;
  const usable = session.micrographs.filter((m, i) => session.markOf(i) !== 'bad' && m.path !== undefined);
  const particles = picks.reduce((n, m) => n + m.particles.length, 0);
  // expected particles per micrograph that has particles (empty ones are negatives, not part of the mixture)
  const perMicrograph = Math.max(1, Math.round(particles / Math.max(1, picks.length - empty.length)));
  const diameter = session.diameterPx === undefined ? '' : ` --particle-diameter-px ${Math.round(session.diameterPx)}`;
  const negatives = empty.length === 0 ? '' : ` --empty-micrographs ${quote(join(outDir, EMPTY_LIST_NAME))}`;
  const trainCommand = `cryopick train --micrographs ${usable.map((m) => quote(m.path as string)).join(' ')} --picks ${quote(join(outDir, LABELS_DIR))}${negatives} -n ${perMicrograph}${diameter} -o train-run`;
  return {
    outDir, files: files.map((f) => join(outDir, f.slice(staging.length + 1))), particles, micrographs: picks.length,
    excluded: session.micrographs.length - picks.length, empty: empty.length,
    trainCommand, ...(thresholdFile === undefined ? {} : { thresholdFile }),
  };
}
