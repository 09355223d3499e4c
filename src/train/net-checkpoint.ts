// Epoch checkpoints of a training network (both families): weights now, Adam's state into the next
// compiled train step, and the sampler's random state, in the engine's one checkpoint format.
import { readFile } from 'node:fs/promises';
import { decodeCheckpoint, encodeCheckpoint, restoreOptimizerState, restoreParams } from '../engine/checkpoint.js';
import type { ParamStore } from '../engine/params.js';
import type { TrainStep } from '../engine/train-step.js';
import { writeFileAtomic } from '../io/atomic-write.js';

export class NetCheckpoints {
  /** Adam's state of a loaded checkpoint, waiting for the train step to be compiled. */
  private pending: { step: number; slots: Map<string, Float32Array>; path: string } | undefined;

  constructor(private readonly store: ParamStore) {}

  /** Writes weights, the step's optimizer state (if compiled), the sampler's random state and the run id. */
  async save(path: string, step: TrainStep | undefined, rngState?: number, runId?: string): Promise<void> {
    const extras = { ...(rngState === undefined ? {} : { rngState }), ...(step ? { optimizer: step.optimizer } : {}), ...(runId === undefined ? {} : { meta: { runId } }) };
    await writeFileAtomic(path, encodeCheckpoint(this.store, step?.state, extras), { overwrite: true });
  }

  /** Loads the weights now; the optimizer state goes into the next train step given to `applyTo`. @throws FormatError */
  async load(path: string): Promise<{ rngState?: number; runId?: string }> {
    const c = decodeCheckpoint(new Uint8Array(await readFile(path)), path);
    const runId = typeof c.meta['runId'] === 'string' ? c.meta['runId'] : undefined;
    restoreParams(this.store, c.params, path);
    this.pending = { step: c.step, slots: c.slots, path };
    return { ...(c.rngState === undefined ? {} : { rngState: c.rngState }), ...(runId === undefined ? {} : { runId }) };
  }

  /** Restores a loaded optimizer state into a freshly compiled train step (once). */
  applyTo(step: TrainStep): void {
    if (!this.pending) return;
    restoreOptimizerState(step.state, this.pending.slots, this.pending.step, this.pending.path);
    this.pending = undefined;
  }
}
