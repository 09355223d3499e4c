// `cryopick classify --model M --input CSV|DIR -o OUT.csv` (signals) or
// `cryopick classify --model M --micrographs ... --picks ... -o OUT.csv` (particle crops: per-pick
// class probabilities): class and per-class probabilities for every item, plus a summary (counts
// per class; accuracy, per-class precision / recall and the confusion matrix when the input names classes).
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { fileFrame, type MicrographPicks } from '../../io/coords.js';
import { classifySignals } from '../../classifier/classify.js';
import { classifyCrops } from '../../classifier/classify-crops.js';
import { labelledPicks } from '../../classifier/crop-etl.js';
import { parseNumberFlag } from './_options.js';
import { parseFormatFlag, readPickFiles } from './_pick-files.js';

interface ClassifyFlags {
  model: string; out: string; input?: string; micrographs?: string[]; picks?: string[];
  picksBinning?: string; format?: string; classColumn?: string; threads?: string;
}

export async function classifyAction(opts: ClassifyFlags): Promise<void> {
  const threads = parseNumberFlag(opts.threads, '--threads', (v) => Number.isInteger(v) && v >= 1, 'a positive integer') ?? 0;
  const crops = opts.micrographs !== undefined || opts.picks !== undefined;
  if (crops === (opts.input !== undefined)) {
    throw new UsageError('classify needs either --input (signal CSVs) or --micrographs with --picks (particle crops)');
  }
  if (!crops) {
    const s = await classifySignals(opts.model, opts.input as string, opts.out, threads);
    await writeFileAtomic(`${opts.out}.summary.json`, `${JSON.stringify(s, null, 1)}\n`, { overwrite: true });
    const parts = Object.entries(s.counts).map(([k, n]) => `${k}: ${n}`).join(', ');
    process.stdout.write(`${s.items} items classified (${parts})${s.accuracy !== undefined ? `; accuracy against cap_class ${s.accuracy.toFixed(4)}` : ''}\nwrote ${opts.out}\n`);
    return;
  }
  if (opts.micrographs === undefined || opts.picks === undefined) throw new UsageError('particle crops need both --micrographs and --picks');
  const binning = parseNumberFlag(opts.picksBinning, '--picks-binning', (v) => v > 0, 'a positive number') ?? 1;
  const format = parseFormatFlag(opts.format, '--format');
  let picks: MicrographPicks[];
  let truth: Map<string, string[]> | undefined;
  if (opts.classColumn !== undefined) {
    // true classes come with the coordinates, row by row, from the STAR class column
    picks = [];
    truth = new Map();
    for (const f of opts.picks) {
      const rows = await labelledPicks(f, opts.classColumn, undefined);
      const byMic = new Map<string, { x: number; y: number }[]>();
      for (const r of rows) {
        byMic.set(r.micrograph, [...(byMic.get(r.micrograph) ?? []), { x: r.x / binning, y: r.y / binning }]);
        truth.set(r.micrograph, [...(truth.get(r.micrograph) ?? []), r.cls]);
      }
      for (const [micrograph, particles] of byMic) picks.push({ micrograph, particles, frame: fileFrame(binning) });
    }
  } else {
    picks = await readPickFiles(opts.picks, format, binning);
  }
  const s = await classifyCrops(opts.model, { micrographs: opts.micrographs, picks, ...(truth ? { truth } : {}), threads,
    onMessage: (t) => process.stderr.write(`${t}\n`) }, opts.out);
  await writeFileAtomic(`${opts.out}.summary.json`, `${JSON.stringify(s, null, 1)}\n`, { overwrite: true });
  const parts = Object.entries(s.counts).map(([k, n]) => `${k}: ${n}`).join(', ');
  process.stdout.write(`${s.items} picks on ${s.micrographs} micrographs classified (${parts})${s.accuracy !== undefined ? `; accuracy against ${opts.classColumn} ${s.accuracy.toFixed(4)}` : ''}\nwrote ${opts.out}\n`);
}

