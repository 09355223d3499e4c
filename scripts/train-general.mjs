// `npm run train-general`: rebuilds the general model (models/general.onnx) from the simulator and
// the real development sets; resumable (--resume), progress on stderr. See README "General model".
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { trainGeneral, SHIPPED_RECIPE } from '../dist/src/general/train-general.js';

const { values } = parseArgs({ options: {
  realdata: { type: 'string', default: join('..', 'shared', 'realdata') },
  work: { type: 'string', default: join('build', 'general') },
  out: { type: 'string', default: join('models', 'general.onnx') },
  resume: { type: 'boolean', default: false },
  epochs: { type: 'string' }, 'epoch-size': { type: 'string' }, sim: { type: 'string' }, threads: { type: 'string' },
  without: { type: 'string', multiple: true, default: [] },
  'budget-minutes': { type: 'string' },
  help: { type: 'boolean', default: false },
} });
if (values.help) {
  process.stdout.write('usage: npm run train-general -- [--resume] [--work DIR] [--out FILE] [--realdata DIR] [--epochs N] [--epoch-size N] [--sim N] [--threads N] [--without 10028|10059] [--budget-minutes M]\n\n--budget-minutes stops training after M minutes and exports the best epoch so far (--resume continues it later); Ctrl+C does the same at once.\n');
  process.exit(0);
}
const num = (v, d) => (v === undefined ? d : Number(v));
const r = SHIPPED_RECIPE;
const recipe = {
  ...r, epochs: num(values.epochs, r.epochs), epochSize: num(values['epoch-size'], r.epochSize), sim: num(values.sim, r.sim),
  threads: num(values.threads, r.threads), datasets: r.datasets.filter((d) => !values.without.includes(d)),
};
const t0 = Date.now();
const stop = new AbortController();
process.once('SIGINT', () => { process.stderr.write('train-general: interrupt: finishing the current step, then exporting the best epoch so far (--resume continues)\n'); stop.abort(); });
const budget = values['budget-minutes'] === undefined ? undefined : Number(values['budget-minutes']);
if (budget !== undefined) setTimeout(() => { process.stderr.write(`train-general: budget of ${budget} min reached: exporting the best epoch so far\n`); stop.abort(); }, budget * 60000).unref();
const res = await trainGeneral({ signal: stop.signal,
  realdata: values.realdata, workDir: values.work, out: values.out, recipe, resume: values.resume,
  onProgress: (line) => process.stderr.write(`train-general: ${line}\n`),
});
process.stdout.write(`wrote ${res.modelPath}: ${res.micrographs} micrographs, best epoch ${res.bestEpoch}, data ${res.buildSeconds.toFixed(0)} s, training ${res.trainSeconds.toFixed(0)} s, total ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
