// Small records of a pick run besides its detections: the model file's SHA-256 (a resume must use
// the same model) and the list of micrographs that `--skip-bad` went past, with the reasons.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { describeFsError } from '../io/fs-errors.js';

export const FAILED_LIST_NAME = 'failed-micrographs.tsv';

/** SHA-256 (hex) of a file's bytes, streamed. @throws UserError when it cannot be read. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw describeFsError(err, path, 'cannot read');
  }
  return hash.digest('hex');
}

/** Writes `<outDir>/failed-micrographs.tsv`: one micrograph and its reason per line. */
export async function writeFailedList(outDir: string, failed: readonly { micrograph: string; reason: string }[]): Promise<string> {
  const path = join(outDir, FAILED_LIST_NAME);
  const lines = ['micrograph\treason', ...failed.map((f) => `${f.micrograph}\t${f.reason.replace(/\s+/g, ' ')}`)];
  await writeFileAtomic(path, `${lines.join('\n')}\n`, { overwrite: true });
  return path;
}

/** The micrographs `--skip-bad` went past (empty when none, or after a resume that picked them). */
export async function readFailedList(outDir: string): Promise<{ micrograph: string; reason: string }[]> {
  const path = join(outDir, FAILED_LIST_NAME);
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8')).split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => {
    const tab = l.indexOf('\t');
    return tab < 0 ? { micrograph: l, reason: '' } : { micrograph: l.slice(0, tab), reason: l.slice(tab + 1) };
  });
}

/** One line for the end of a run that skipped micrographs: the count, the commonest reasons, the list. */
export function failedSummary(outDir: string, failed: readonly { micrograph: string; reason: string }[]): string {
  const shown = failed.slice(0, 3).map((f) => f.reason).join('; ');
  return `${failed.length} micrograph(s) could not be picked and were skipped (${shown}${failed.length > 3 ? '; ...' : ''}); all are listed in ${join(outDir, FAILED_LIST_NAME)}; fix them and rerun with --resume to pick only those`;
}
