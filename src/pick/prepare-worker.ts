// The worker thread of prepare-pool.ts: reads one micrograph and preprocesses it the model's way,
// so reading, Fourier downsampling and normalisation of several micrographs use several cores.
import { parentPort } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { readPrepared } from './prepared.js';
import type { PrepareReply, PrepareRequest } from './prepare-pool.js';

const port = parentPort;
if (port === null) throw new Error('prepare-worker.js runs as a worker thread');

port.on('message', (job: PrepareRequest) => {
  const warnings: string[] = [];
  readPrepared(job.path, job.preprocess, job.permissive, (m) => warnings.push(m)).then((prepared) => {
    const reply: PrepareReply = { id: job.id, prepared, warnings };
    port.postMessage(reply, [prepared.pre.data.buffer as ArrayBuffer]);
  }).catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    const reply: PrepareReply = { id: job.id, warnings, error: { message: e.message, ...(err instanceof UserError ? { code: err.code, name: err.name } : {}) } };
    port.postMessage(reply);
  });
});
