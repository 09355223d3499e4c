// Worker-thread entry for the preprocessing pool (piscina): one task = one micrograph file.
// Errors come back as plain data so user errors keep their code and message across the thread.
import { preprocessFile } from './preprocess-file.js';
import type { PreprocessFileResult, PreprocessFileTask } from './preprocess-file.js';
import { UserError } from '../errors.js';

export type WorkerReply =
  | { readonly ok: true; readonly result: PreprocessFileResult }
  | { readonly ok: false; readonly userError: boolean; readonly code: string; readonly message: string; readonly stack?: string };

/** Runs one task and never throws: failures are returned as data. */
export async function runTask(task: PreprocessFileTask): Promise<WorkerReply> {
  try {
    return { ok: true, result: await preprocessFile(task) };
  } catch (err) {
    if (err instanceof UserError) return { ok: false, userError: true, code: err.code, message: err.message };
    const e = err as { code?: unknown; message?: unknown; stack?: unknown };
    const code = typeof e?.code === 'string' ? e.code : 'EINTERNAL';
    const message = typeof e?.message === 'string' ? e.message : String(err);
    const reply = { ok: false as const, userError: false, code, message };
    return typeof e?.stack === 'string' ? { ...reply, stack: e.stack } : reply;
  }
}

export default runTask;
