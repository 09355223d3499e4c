// On-the-fly picking (`pick --watch DIR`): polls a folder the microscope writes into, picks each
// micrograph once its size and modification time have stayed the same for a settle time (so a
// partial file is never read), and stops on the abort signal or after an idle timeout. With skipBad a
// micrograph that cannot be read or picked is skipped and retried with the next batch (it may be fixed).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { micrographKind } from '../io/micrograph.js';
import { UserError } from '../errors.js';
import type { ScoreModel } from './score-model.js';
import { pickMicrographs, type PickRunOptions, type PickRunResult } from './pick-run.js';

export interface WatchOptions {
  readonly dir: string;
  /** Seconds between folder scans (default 2). */
  readonly pollSeconds?: number;
  /** A file counts once size and mtime stayed unchanged this long (default: one poll interval). */
  readonly settleSeconds?: number;
  /** Stop after this long without a new, growing or picked micrograph (default: run until aborted). */
  readonly idleTimeoutSeconds?: number;
  /** Called after each batch of newly picked micrographs, with every micrograph picked so far (not the failed ones). */
  readonly onBatch?: (batch: PickRunResult, picked: readonly string[]) => Promise<void>;
}

export interface WatchResult {
  readonly micrographs: readonly string[];
  readonly picked: number;
  readonly skipped: number;
  readonly detections: number;
  /** With skipBad: the micrographs that failed at their latest attempt, and why. */
  readonly failed: PickRunResult['failed'];
  readonly reason: 'idle' | 'interrupted';
}

interface Seen {
  size: number;
  mtimeMs: number;
  since: number;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Micrograph files in `dir` (not hidden, known extension), sorted by name. */
async function listFolder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => !f.startsWith('.') && micrographKind(f) !== undefined).sort();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new UserError('ENOENT', `--watch: ${dir} does not exist`);
    throw err;
  }
}

/**
 * Watches `watch.dir` and picks new micrographs into `options.outDir` as they become stable
 * (resumable like any pick run: micrographs with detections are not picked again).
 */
export async function watchAndPick(model: ScoreModel, options: PickRunOptions, watch: WatchOptions): Promise<WatchResult> {
  const pollMs = (watch.pollSeconds ?? 2) * 1000;
  const settleMs = (watch.settleSeconds ?? pollMs / 1000) * 1000;
  const seen = new Map<string, Seen>();
  const taken = new Set<string>();
  const all: string[] = [];
  let lastActivity = Date.now();
  let started = false;
  const totals = { picked: 0, skipped: 0, detections: 0 };
  let failed: PickRunResult['failed'] = [];
  while (!options.signal?.aborted) {
    const now = Date.now();
    const ready: string[] = [];
    for (const name of await listFolder(watch.dir)) {
      if (taken.has(name)) continue;
      let s;
      try {
        s = await stat(join(watch.dir, name));
      } catch {
        continue; // renamed or removed between listing and stat
      }
      const before = seen.get(name);
      if (!before || before.size !== s.size || before.mtimeMs !== s.mtimeMs) {
        seen.set(name, { size: s.size, mtimeMs: s.mtimeMs, since: now });
        lastActivity = now;
      } else if (s.size > 0 && now - before.since >= settleMs) {
        ready.push(name);
      }
    }
    if (ready.length > 0) {
      for (const name of ready) {
        taken.add(name);
        seen.delete(name);
        all.push(join(watch.dir, name));
      }
      // every micrograph without detections is attempted: the new ones and those that failed before
      const batch = await pickMicrographs(all, model, { ...options, resume: started || (options.resume ?? false), overwrite: !started && (options.overwrite ?? false) });
      started = true;
      totals.picked += batch.picked;
      totals.detections += batch.detections;
      totals.skipped += batch.skipped - (all.length - ready.length - failed.length); // done by an earlier run (--resume)
      failed = batch.failed;
      if (batch.interrupted) break;
      const bad = new Set(failed.map((f) => f.micrograph));
      await watch.onBatch?.(batch, all.filter((m) => !bad.has(m)));
      lastActivity = Date.now();
    }
    if (watch.idleTimeoutSeconds !== undefined && Date.now() - lastActivity >= watch.idleTimeoutSeconds * 1000) {
      return { micrographs: all, ...totals, failed, reason: 'idle' };
    }
    await sleep(pollMs, options.signal);
  }
  return { micrographs: all, ...totals, failed, reason: 'interrupted' };
}
