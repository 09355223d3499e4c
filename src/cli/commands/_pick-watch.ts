// The --watch branch of `cryopick pick`: picks a folder on the fly, rewriting the formatted
// outputs after each batch, until Ctrl+C or the idle timeout; prints one line per batch. With
// --skip-bad, micrographs that cannot be picked are listed in failed-micrographs.tsv (exit 3 at the end).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PartialFailureError } from '../../errors.js';
import { FAILED_LIST_NAME, failedSummary, writeFailedList } from '../../pick/run-records.js';
import type { ScoreModel } from '../../pick/score-model.js';
import type { PickRunOptions } from '../../pick/pick-run.js';
import { writePickOutputs, type PickOutputFormat } from '../../pick/outputs.js';
import { watchAndPick, type WatchOptions } from '../../pick/watch.js';
import { installInterrupt } from './_interrupt.js';

export interface WatchOutputs {
  readonly threshold: number;
  readonly formats: readonly PickOutputFormat[];
  readonly boxSizePx: number;
}

export async function pickWatched(model: ScoreModel, options: PickRunOptions, watch: WatchOptions, out: WatchOutputs): Promise<void> {
  const stop = installInterrupt(['']);
  process.stderr.write(`pick: watching ${watch.dir}${watch.idleTimeoutSeconds === undefined ? ' (Ctrl+C to stop)' : ` (stops after ${watch.idleTimeoutSeconds} s idle, or Ctrl+C)`}\n`);
  let particles = 0;
  let reported = new Set<string>();
  try {
    const result = await watchAndPick(model, { ...options, signal: stop.signal(0) }, {
      ...watch,
      onBatch: async (batch, picked) => {
        const written = await writePickOutputs(options.outDir, picked, out.threshold, out.formats, options.outDir, { overwrite: true, boxSizePx: out.boxSizePx });
        particles = written.particles;
        for (const f of batch.failed) if (!reported.has(f.micrograph)) process.stderr.write(`pick: skipped ${f.reason}\n`);
        reported = new Set(batch.failed.map((f) => f.micrograph));
        if (batch.failed.length > 0) await writeFailedList(options.outDir, batch.failed);
        else await rm(join(options.outDir, FAILED_LIST_NAME), { force: true }); // a skipped micrograph picked on retry
        process.stderr.write(`pick: +${batch.picked} micrograph(s), ${picked.length} in all${batch.failed.length > 0 ? ` (${batch.failed.length} skipped)` : ''}, ${written.particles} particles at score >= ${out.threshold}\n`);
      },
    });
    const why = result.reason === 'idle' ? `no new micrograph for ${watch.idleTimeoutSeconds} s` : 'interrupted';
    process.stdout.write(`watch stopped (${why}): picked ${result.picked} micrograph(s)${result.skipped ? ` (${result.skipped} already done)` : ''}, ${result.micrographs.length - result.failed.length} in ${options.outDir}; ${particles} particles at score >= ${out.threshold}\n`);
    if (result.failed.length > 0) throw new PartialFailureError(failedSummary(options.outDir, result.failed));
  } finally {
    stop.dispose();
  }
}
