// Training results tables: one row per training minibatch ("train") and one per epoch on the
// test split ("test"), rendered as TSV (Topaz's columns plus lr) and JSON lines; files are
// rewritten atomically, so an interrupted run never leaves a half-written table.
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';

export interface ResultRow {
  readonly epoch: number;
  readonly iter: number;
  readonly split: 'train' | 'test' | 'heldout';
  readonly loss: number;
  readonly gePenalty?: number;
  readonly reconError?: number;
  readonly precision: number;
  readonly adjustedPrecision?: number;
  readonly tpr: number;
  readonly fpr: number;
  readonly auprc?: number;
  readonly particleAp?: number;
  readonly lr: number;
}

const COLUMNS = ['epoch', 'iter', 'split', 'loss', 'ge_penalty', 'recon_error', 'precision', 'adjusted_precision', 'tpr', 'fpr', 'auprc', 'particle_ap', 'lr'] as const;

function cell(v: number | string | undefined): string {
  if (v === undefined) return '-';
  if (typeof v === 'string') return v;
  return Number.isInteger(v) ? String(v) : v.toPrecision(6);
}

/** The table as tab-separated text with a header line. */
export function renderResultsTsv(rows: readonly ResultRow[]): string {
  const lines = [COLUMNS.join('\t')];
  for (const r of rows) {
    lines.push([r.epoch, r.iter, r.split, r.loss, r.gePenalty, r.reconError, r.precision, r.adjustedPrecision, r.tpr, r.fpr, r.auprc, r.particleAp, r.lr]
      .map(cell).join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

/** One JSON object per line; with `runId`, every line carries it (a run folder's tables). */
export function renderJsonLines(rows: readonly object[], runId?: string): string {
  return rows.map((r) => JSON.stringify(runId === undefined ? r : { ...r, runId })).join('\n') + (rows.length ? '\n' : '');
}

/** Writes results.tsv and results.jsonl (each line with the run id) into `outDir` atomically (replacing earlier versions). */
export async function writeResults(outDir: string, rows: readonly ResultRow[], runId?: string): Promise<void> {
  await writeFileAtomic(join(outDir, 'results.tsv'), renderResultsTsv(rows), { overwrite: true });
  await writeFileAtomic(join(outDir, 'results.jsonl'), renderJsonLines(rows, runId), { overwrite: true });
}
