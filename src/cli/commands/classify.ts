// `cryopick classify --model M --input CSV|DIR --out OUT.csv`: class and per-class probabilities
// for every item, plus a summary (counts per class; accuracy when the input names classes).
import type { Command } from 'commander';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { classifySignals } from '../../classifier/classify.js';

export function register(program: Command): void {
  program
    .command('classify')
    .description('classify signals (CSV files with read_id and timeseries) with a model from train-classifier')
    .requiredOption('--model <file>', 'classifier.onnx written by train-classifier')
    .requiredOption('--input <path>', 'a CSV file or a folder of them (columns read_id, timeseries; cap_class optional)')
    .requiredOption('-o, --out <file>', 'output CSV: read_id, predicted_class, p_<class>... (a summary goes to <out>.summary.json)')
    .action(async (opts: { model: string; input: string; out: string }) => {
      const s = await classifySignals(opts.model, opts.input, opts.out);
      await writeFileAtomic(`${opts.out}.summary.json`, `${JSON.stringify(s, null, 1)}\n`, { overwrite: true });
      const parts = Object.entries(s.counts).map(([k, n]) => `${k}: ${n}`).join(', ');
      process.stdout.write(`${s.items} items classified (${parts})${s.accuracy !== undefined ? `; accuracy against cap_class ${s.accuracy.toFixed(4)}` : ''}\nwrote ${opts.out}\n`);
    });
}
