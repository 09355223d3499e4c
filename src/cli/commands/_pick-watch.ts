// The --watch branch of `cryopick pick`: picks a folder on the fly, rewriting the formatted
// outputs after each batch, until Ctrl+C or the idle timeout; prints one line per batch.
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
  try {
    const result = await watchAndPick(model, { ...options, signal: stop.signal(0) }, {
      ...watch,
      onBatch: async (batch, all) => {
        const written = await writePickOutputs(options.outDir, all, out.threshold, out.formats, options.outDir, { overwrite: true, boxSizePx: out.boxSizePx });
        particles = written.particles;
        process.stderr.write(`pick: +${batch.picked} micrograph(s), ${all.length} in all, ${written.particles} particles at score >= ${out.threshold}\n`);
      },
    });
    const why = result.reason === 'idle' ? `no new micrograph for ${watch.idleTimeoutSeconds} s` : 'interrupted';
    process.stdout.write(`watch stopped (${why}): picked ${result.picked} micrograph(s)${result.skipped ? ` (${result.skipped} already done)` : ''}, ${result.micrographs.length} in ${options.outDir}; ${particles} particles at score >= ${out.threshold}\n`);
  } finally {
    stop.dispose();
  }
}
