// Reading and preprocessing micrographs in worker threads (prepare-worker.ts): the JavaScript work
// of a pick (MRC decoding, Fourier downsampling, GMM normalisation) runs beside the network and
// beside each other instead of one at a time on the main thread. Results are identical: the
// workers run the same preprocessImage.
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { PreprocessParams } from '../image/preprocess-params.js';
import type { PreparedMicrograph } from './prepared.js';

export interface PrepareRequest {
  readonly id: number;
  readonly path: string;
  readonly preprocess: PreprocessParams;
  readonly permissive: boolean;
}

export interface PrepareReply {
  readonly id: number;
  readonly prepared?: PreparedMicrograph;
  /** Permissive-mode warnings about the file, already naming it. */
  readonly warnings: readonly string[];
  /** A UserError keeps its code (and class name), so --skip-bad and the messages work as on the main thread. */
  readonly error?: { readonly message: string; readonly code?: string; readonly name?: string };
}

interface Pending {
  readonly resolve: (r: PreparedMicrograph) => void;
  readonly reject: (e: unknown) => void;
  readonly warn: (message: string) => void;
}

/** A user error rebuilt from a worker's reply (same class name, code and message). */
function rebuild(e: NonNullable<PrepareReply['error']>): Error {
  if (e.code === undefined) return new Error(e.message);
  const err = new UserError(e.code, e.message);
  if (e.name !== undefined) Object.defineProperty(err, 'name', { value: e.name });
  return err;
}

/** `size` worker threads; each prepares one micrograph at a time, extra requests wait in order. */
export class PreparePool {
  private readonly idle: Worker[] = [];
  private readonly queue: { job: PrepareRequest; pending: Pending }[] = [];
  private readonly pending = new Map<number, { worker: Worker; pending: Pending }>();
  private nextId = 0;
  private failure: unknown;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a prepare pool needs at least one worker, got ${size}`);
    for (let i = 0; i < size; i++) {
      // workerData must be an object: geotiff's web-worker dependency reads it in every worker thread
      const worker = new Worker(new URL('./prepare-worker.js', import.meta.url), { workerData: {} });
      worker.on('message', (reply: PrepareReply) => this.onReply(worker, reply));
      worker.on('error', (err) => this.fail(err));
      this.idle.push(worker);
    }
  }

  /** Reads `path` (permissive: see micrographReader; its warnings go to `warn`) and preprocesses it with `preprocess` in a worker thread. */
  prepare(path: string, preprocess: PreprocessParams, permissive: boolean, warn: (message: string) => void): Promise<PreparedMicrograph> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, path, preprocess, permissive }, pending: { resolve, reject, warn } });
      this.dispatch();
    });
  }

  /** Stops the workers (after the work in flight is no longer wanted). */
  async close(): Promise<void> {
    const workers = [...this.idle, ...[...this.pending.values()].map((p) => p.worker)];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const { job, pending } = this.queue.shift() as { job: PrepareRequest; pending: Pending };
      this.pending.set(job.id, { worker, pending });
      worker.postMessage(job);
    }
  }

  private onReply(worker: Worker, reply: PrepareReply): void {
    const entry = this.pending.get(reply.id);
    if (entry === undefined) return;
    this.pending.delete(reply.id);
    this.idle.push(worker);
    reply.warnings.forEach((m) => entry.pending.warn(m));
    if (reply.error !== undefined || reply.prepared === undefined) entry.pending.reject(rebuild(reply.error ?? { message: 'the worker returned no image' }));
    else entry.pending.resolve(reply.prepared);
    this.dispatch();
  }

  private fail(err: unknown): void {
    this.failure = err;
    for (const { pending } of this.pending.values()) pending.reject(err);
    for (const { pending } of this.queue) pending.reject(err);
    this.pending.clear();
    this.queue.length = 0;
  }
}
