// Signal ETL: pass 1 streams every CSV (content hash, class of every row); one seeded permutation
// per class picks examples_per_class rows and splits them train / validation / test; pass 2
// streams again and writes only the chosen rows, centre-fitted, into the binary dataset.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError, FormatError } from '../errors.js';
import { Random, shuffled } from '../random.js';
import type { ClassifierConfig } from './config-schema.js';
import { publishDataset, readDatasetManifest, SplitWriter, type DatasetManifest } from './dataset-store.js';
import { fitLength, parseSeries, streamSignalRows } from './signal-csv.js';

export interface EtlResult {
  readonly dir: string;
  readonly manifest: DatasetManifest;
  readonly reused: boolean;
}

type Log = (message: string) => void;

/** Sorts class names numerically when all are numbers, else as text. */
export function sortClasses(names: Iterable<string>): string[] {
  const all = [...names];
  const numeric = all.every((n) => n.trim() !== '' && Number.isFinite(Number(n)));
  return all.sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
}

/** The split of every row of one class: 0 = not used, 1 = train, 2 = validation, 3 = test. */
export function splitCodes(rows: number, perClass: number, trainTest: number, trainVal: number, seed: number): { codes: Uint8Array; sizes: [number, number, number] } {
  const perm = shuffled([...Array(rows).keys()], new Random(seed).next);
  const nTrainAll = Math.floor(perClass * trainTest);
  const nTrain = Math.floor(nTrainAll * trainVal);
  const codes = new Uint8Array(rows);
  for (let p = 0; p < perClass; p++) codes[perm[p] as number] = p < nTrain ? 1 : p < nTrainAll ? 2 : 3;
  return { codes, sizes: [nTrain, nTrainAll - nTrain, perClass - nTrainAll] };
}

/** Resolves a stored version ("latest" = the newest) under dataset/. */
export function loadDatasetVersion(root: string, version: string): EtlResult {
  const versions = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'manifest.json'))) : [];
  if (versions.length === 0) throw new ConfigError([{ path: 'etl_params.use_remote_dataset_version', message: `"${version}" asked, but ${root} holds no dataset; use "" to build one` }], 'no dataset');
  let pick = version;
  if (version === 'latest') pick = versions.map((v) => ({ v, t: readDatasetManifest(join(root, v)).created })).sort((a, b) => (a.t < b.t ? 1 : -1))[0]?.v as string;
  if (!versions.includes(pick)) throw new ConfigError([{ path: 'etl_params.use_remote_dataset_version', message: `no dataset version "${version}" in ${root}; found: ${versions.join(', ')}` }], 'no dataset');
  return { dir: join(root, pick), manifest: readDatasetManifest(join(root, pick)), reused: true };
}

/** The ETL parameters that define a dataset (part of its content hash). */
export function etlParams(c: ClassifierConfig): Record<string, unknown> {
  const s = c.shared_params;
  return {
    examples_per_class: c.etl_params.examples_per_class, target_length: s.target_length, dtype: s.dtype, seed: c.etl_params.seed,
    train_test_fraction: s.train_test_fraction, train_val_fraction: s.train_val_fraction, num_classes: s.num_classes,
  };
}

/** Builds (or reuses) the signal dataset of a config. */
export async function prepareSignalDataset(c: ClassifierConfig, log: Log = () => undefined): Promise<EtlResult> {
  const root = join(c.shared_params.output_dir, 'dataset');
  const e = c.etl_params;
  if (e.use_remote_dataset_version !== '') return loadDatasetVersion(root, e.use_remote_dataset_version);
  const dir = e.caps_data_dir as string;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError([{ path: 'etl_params.caps_data_dir', message: `${dir} is not a folder` }], 'cannot read the signals');
  const files = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  if (files.length === 0) throw new ConfigError([{ path: 'etl_params.caps_data_dir', message: `no .csv files in ${dir}` }], 'cannot read the signals');

  // Pass 1: content hash and the class of every row.
  const classIds = new Map<string, number>();
  const rowClasses: Uint16Array[] = [];
  const inputs: { name: string; bytes: number; sha256: string }[] = [];
  for (const f of files) {
    const path = join(dir, f);
    const h = createHash('sha256');
    const cls: number[] = [];
    await streamSignalRows(path, (r) => {
      let id = classIds.get(r.capClass);
      if (id === undefined) classIds.set(r.capClass, (id = classIds.size));
      cls.push(id);
    }, (chunk) => h.update(chunk));
    rowClasses.push(Uint16Array.from(cls));
    inputs.push({ name: f, bytes: statSync(path).size, sha256: h.digest('hex') });
  }
  const params = etlParams(c);
  const version = createHash('sha256').update(JSON.stringify({ kind: 'signal', params, inputs })).digest('hex').slice(0, 16);
  const out = join(root, version);
  if (existsSync(join(out, 'manifest.json'))) {
    log(`dataset ${version}: reusing ${out} (same inputs and ETL parameters)`);
    return { dir: out, manifest: readDatasetManifest(out), reused: true };
  }

  const raw = [...classIds.keys()];
  const classes = sortClasses(raw);
  if (classes.length !== c.shared_params.num_classes) {
    throw new ConfigError([{ path: 'shared_params.num_classes', message: `is ${c.shared_params.num_classes}, but the data holds ${classes.length} classes (${classes.join(', ')})` }], 'class count mismatch');
  }
  const label = raw.map((name) => classes.indexOf(name));
  const sizes = classes.map(() => 0);
  for (const rc of rowClasses) for (const k of rc) sizes[label[k] as number]! += 1;
  const smallest = Math.min(...sizes);
  const perClass = Math.min(e.examples_per_class ?? smallest, smallest);
  const plan = classes.map((_, k) => splitCodes(sizes[k] as number, perClass, c.shared_params.train_test_fraction, c.shared_params.train_val_fraction, e.seed * 1009 + k));
  const zero = (['train', 'validation', 'test'] as const).filter((_, i) => (plan[0]?.sizes[i] ?? 0) === 0);
  if (zero.length > 0) throw new ConfigError([{ path: 'etl_params.examples_per_class', message: `${perClass} examples per class leave the ${zero.join(' and ')} split empty; use more examples or other fractions` }], 'cannot split');

  // Pass 2: write the chosen rows.
  const T = c.shared_params.target_length;
  const seen = new Map<string, string>();
  const counters = classes.map(() => 0);
  const buf = new Float32Array(T);
  const { manifest } = await publishDataset({ root, version, dtype: c.shared_params.dtype, itemSize: T, classes, sizes: plan.map((q) => q.sizes) }, async (writers) => {
    for (let fi = 0; fi < files.length; fi++) {
      const path = join(dir, files[fi] as string);
      const rc = rowClasses[fi] as Uint16Array;
      let r = 0;
      await streamSignalRows(path, (row) => {
        const k = label[rc[r++] as number] as number;
        const code = (plan[k] as { codes: Uint8Array }).codes[counters[k]!++] as number;
        if (code === 0) return;
        const where = `${basename(path)}:${row.line}`;
        const prev = seen.get(row.readId);
        if (prev !== undefined) throw new FormatError({ path, line: row.line }, `read_id ${row.readId} also appears at ${prev}; ids must be unique so no read is in two splits`);
        seen.set(row.readId, where);
        (writers[code - 1] as SplitWriter).add(fitLength(parseSeries(row.series, path, row.line), T, buf), k, row.readId);
      });
    }
  }, { kind: 'signal', itemShape: [T], params, inputs, preprocessing: { fit: 'centre-truncate or centre-zero-pad', target_length: T, scaling: 'none' } });
  const counts = manifest.counts;
  log(`dataset ${version}: ${classes.length} classes × ${perClass} examples (train ${counts.train[0]}, validation ${counts.val[0]}, test ${counts.test[0]} per class) → ${out}`);
  return { dir: out, manifest, reused: false };
}
