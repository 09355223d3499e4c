// `cryopick classify` for signals: streams CSV files (read_id, optional cap_class, timeseries)
// through a saved classifier and writes one row per read (predicted class and per-class
// probabilities) plus a summary; with a cap_class column the summary also scores the predictions.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { streamFileAtomic } from '../io/atomic-write.js';
import { FormatError } from '../errors.js';
import { loadClassifierModel } from './model-file.js';
import { fitLength, parseSeries, streamSignalRows } from './signal-csv.js';

export interface ClassifySummary {
  readonly items: number;
  readonly counts: Readonly<Record<string, number>>;
  /** Present when the input named each read's class. */
  readonly accuracy?: number;
  readonly files: readonly string[];
}

/** The CSV files an input names: a file, or every .csv in a folder (sorted). */
export function inputFiles(input: string): string[] {
  if (!existsSync(input)) throw new FormatError({ path: input }, 'no such file or folder');
  if (!statSync(input).isDirectory()) return [input];
  const files = readdirSync(input).filter((f) => f.toLowerCase().endsWith('.csv')).sort().map((f) => join(input, f));
  if (files.length === 0) throw new FormatError({ path: input }, 'the folder holds no .csv files');
  return files;
}

export async function classifySignals(modelPath: string, input: string, out: string, threads = 0): Promise<ClassifySummary> {
  const model = await loadClassifierModel(modelPath, threads);
  const { meta } = model;
  if (meta.kind !== 'signal') { await model.release(); throw new FormatError({ path: modelPath }, `this model classifies ${meta.kind}, not signals`); }
  const files = inputFiles(input);
  const T = meta.itemShape[0] as number;
  const K = meta.classes.length;
  const counts = Object.fromEntries(meta.classes.map((k) => [k, 0]));
  let items = 0, labelled = 0, correct = 0;
  const batch = new Float32Array(meta.batch * T);
  let pending: { id: string; truth: string }[] = [];
  const flush = async (write: (text: string) => Promise<void>): Promise<void> => {
    if (pending.length === 0) return;
    const p = await model.predict(batch, pending.length);
    let text = '';
    pending.forEach((r, i) => {
      let arg = 0;
      for (let k = 1; k < K; k++) if ((p[i * K + k] as number) > (p[i * K + arg] as number)) arg = k;
      const cls = meta.classes[arg] as string;
      counts[cls] = (counts[cls] ?? 0) + 1;
      if (r.truth !== '') { labelled++; if (r.truth === cls) correct++; }
      text += `${r.id},${cls},${Array.from(p.subarray(i * K, (i + 1) * K), (v) => v.toFixed(5)).join(',')}\n`;
    });
    items += pending.length;
    pending = [];
    batch.fill(0);
    await write(text);
  };
  try {
    await streamFileAtomic(out, async (write) => {
      await write(`read_id,predicted_class,${meta.classes.map((k) => `p_${k}`).join(',')}\n`);
      for (const f of files) {
        await streamSignalRows(f, async (r) => {
          batch.set(fitLength(parseSeries(r.series, f, r.line), T), pending.length * T);
          pending.push({ id: r.readId, truth: r.capClass });
          if (pending.length === meta.batch) await flush(write);
        }, undefined, true);
      }
      await flush(write);
    }, { overwrite: true });
  } finally {
    await model.release();
  }
  return { items, counts, ...(labelled > 0 ? { accuracy: correct / labelled } : {}), files };
}
