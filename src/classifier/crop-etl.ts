// Particle-crop ETL: micrographs plus labelled coordinates (a STAR class column such as the
// particles kept or rejected by 2D classification, or one class per coordinate file) → square
// crops of box_size after Fourier-crop downsampling and per-micrograph standardisation, balanced
// and split per class by a seeded permutation, stored like the signal dataset (kind "crops");
// optionally with DeepPicker's sampled background windows as one more class (crop-negatives.ts).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError, FormatError } from '../errors.js';
import { readCoordinates } from '../io/coordinate-formats.js';
import { micrographKey } from '../io/coords.js';
import { micrographKind, readMicrograph } from '../io/micrograph.js';
import { readStar } from '../io/star.js';
import { downsample } from '../image/downsample.js';
import type { ClassifierConfig } from './config-schema.js';
import { publishDataset, readDatasetManifest, SplitWriter, type DatasetManifest } from './dataset-store.js';
import { etlParams, loadDatasetVersion, sortClasses, splitCodes, type EtlResult } from './etl.js';
import { micrographNegatives, type NegativeSamplingParams } from './crop-negatives.js';
import { micrographSize } from '../io/micrograph-inputs.js';

export interface LabelledPick { readonly micrograph: string; readonly x: number; readonly y: number; readonly cls: string }

/** Labelled picks of one coordinate file: the STAR class column, else the file's class. */
export async function labelledPicks(path: string, classColumn: string, fileClass: string | undefined): Promise<LabelledPick[]> {
  if (path.toLowerCase().endsWith('.star')) {
    const { file } = await readStar(path);
    const col = classColumn.replace(/^_/, '');
    for (const block of file.blocks) {
      for (const loop of block.loops) {
        const at = (n: string): number => loop.labels.indexOf(n);
        const [ci, xi, yi, mi] = [at(col), at('rlnCoordinateX'), at('rlnCoordinateY'), at('rlnMicrographName')];
        if (ci < 0 || xi < 0 || yi < 0 || mi < 0) continue;
        return loop.rows.map((r, i) => {
          const x = Number(r[xi]), y = Number(r[yi]);
          if (!Number.isFinite(x) || !Number.isFinite(y)) throw new FormatError({ path, line: loop.rowLines[i] as number }, 'coordinates are not numbers');
          return { micrograph: micrographKey(r[mi] as string), x, y, cls: r[ci] as string };
        });
      }
    }
  }
  if (fileClass === undefined) throw new ConfigError([{ path: 'etl_params.particles', message: `${basename(path)} has no "${classColumn}" column; name its class in class_from_file` }], 'unlabelled coordinates');
  const picks = await readCoordinates(path);
  return picks.flatMap((m) => m.particles.map((p) => ({ micrograph: micrographKey(m.micrograph), x: p.x * m.frame.binning, y: p.y * m.frame.binning, cls: fileClass })));
}

function micrographFiles(inputs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of inputs) {
    if (!existsSync(p)) throw new ConfigError([{ path: 'etl_params.particles.micrographs', message: `${p} does not exist` }], 'cannot read the micrographs');
    const files = statSync(p).isDirectory() ? readdirSync(p).sort().map((f) => join(p, f)) : [p];
    for (const f of files) if (micrographKind(f)) out.set(micrographKey(f), f);
  }
  return out;
}

/** Per-micrograph standardisation (zero mean, unit variance) of the crop dataset and of classification. */
export function standardised(data: Float32Array): Float32Array {
  let mean = 0, sq = 0;
  for (const v of data) { mean += v; sq += v * v; }
  mean /= data.length;
  const sd = Math.sqrt(Math.max(sq / data.length - mean * mean, 1e-12));
  return Float32Array.from(data, (v) => (v - mean) / sd);
}

/** Standardised crop of side `box` centred at (x, y); outside the image is 0 (the mean). */
export function cropAt(data: Float32Array, width: number, height: number, x: number, y: number, box: number, out: Float32Array): void {
  const x0 = Math.round(x) - Math.floor(box / 2), y0 = Math.round(y) - Math.floor(box / 2);
  out.fill(0);
  for (let r = 0; r < box; r++) {
    const yy = y0 + r;
    if (yy < 0 || yy >= height) continue;
    for (let c = 0; c < box; c++) {
      const xx = x0 + c;
      if (xx >= 0 && xx < width) out[r * box + c] = data[yy * width + xx] as number;
    }
  }
}

/** DeepPicker's background windows for every micrograph with picks (crop-negatives.ts). */
async function sampledNegatives(picks: readonly LabelledPick[], mics: ReadonlyMap<string, string>, n: NegativeSamplingParams,
  box: number, ds: number, seed: number, log: (m: string) => void): Promise<LabelledPick[]> {
  const out: LabelledPick[] = [];
  let short = 0;
  for (const [key, file] of mics) {
    const own = picks.filter((q) => q.micrograph === key);
    if (own.length === 0) continue;
    const { width, height } = await micrographSize(file);
    const found = micrographNegatives(own, width, height, n, box, ds, seed, key);
    if (found.length < (n.per_micrograph ?? own.length)) short++;
    out.push(...found.map((q) => ({ micrograph: key, x: q.x, y: q.y, cls: n.class })));
  }
  log(`negatives: ${out.length} "${n.class}" windows at least ${n.min_distance} × ${box * ds} px from every pick${short > 0 ? ` (${short} micrograph(s) had room for fewer than asked)` : ''}`);
  return out;
}

export async function prepareCropDataset(c: ClassifierConfig, log: (m: string) => void = () => undefined): Promise<EtlResult> {
  const root = join(c.shared_params.output_dir, 'dataset');
  const e = c.etl_params;
  if (e.use_remote_dataset_version !== '') return loadDatasetVersion(root, e.use_remote_dataset_version);
  const p = e.particles as NonNullable<typeof e.particles>;
  const mics = micrographFiles(p.micrographs);
  const picks: LabelledPick[] = [];
  const inputs: { name: string; bytes: number; sha256: string }[] = [];
  for (const f of p.coordinates) {
    picks.push(...await labelledPicks(f, p.class_column, p.class_from_file[basename(f)]));
    inputs.push({ name: f, bytes: statSync(f).size, sha256: createHash('sha256').update(readFileSync(f)).digest('hex') });
  }
  const missing = [...new Set(picks.map((k) => k.micrograph))].filter((m) => !mics.has(m));
  if (missing.length > 0) throw new ConfigError([{ path: 'etl_params.particles.micrographs', message: `no micrograph for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}` }], 'cannot crop');
  for (const [, f] of [...mics].filter(([k]) => picks.some((q) => q.micrograph === k))) inputs.push({ name: f, bytes: statSync(f).size, sha256: `${statSync(f).mtimeMs}` });
  if (p.negatives) picks.push(...await sampledNegatives(picks, mics, p.negatives, p.box_size, p.downsample, e.seed, log));
  const params = { ...etlParams(c), box_size: p.box_size, downsample: p.downsample, ...(p.negatives ? { negatives: p.negatives } : {}) };
  const version = createHash('sha256').update(JSON.stringify({ kind: 'crops', params, inputs })).digest('hex').slice(0, 16);
  const out = join(root, version);
  if (existsSync(join(out, 'manifest.json'))) { log(`dataset ${version}: reusing ${out}`); return { dir: out, manifest: readDatasetManifest(out), reused: true }; }
  const classes = sortClasses(new Set(picks.map((k) => k.cls)));
  if (classes.length !== c.shared_params.num_classes) throw new ConfigError([{ path: 'shared_params.num_classes', message: `is ${c.shared_params.num_classes}, but the picks hold ${classes.length} classes (${classes.join(', ')})` }], 'class count mismatch');
  const byClass = classes.map((k) => picks.filter((q) => q.cls === k));
  const smallest = Math.min(...byClass.map((l) => l.length));
  const perClass = Math.min(e.examples_per_class ?? smallest, smallest);
  const plan = byClass.map((l, k) => splitCodes(l.length, perClass, c.shared_params.train_test_fraction, c.shared_params.train_val_fraction, e.seed * 1009 + k));
  if ((plan[0]?.sizes ?? [0]).some((n) => n === 0)) throw new ConfigError([{ path: 'etl_params.examples_per_class', message: `${perClass} crops per class leave a split empty` }], 'cannot split');
  const B = p.box_size;
  const crop = new Float32Array(B * B);
  const done = await publishDataset({ root, version, dtype: c.shared_params.dtype, itemSize: B * B, classes, sizes: plan.map((q) => q.sizes) }, async (writers) => {
    for (const [key, file] of mics) {
      const chosen = byClass.flatMap((l, k) => l.map((q, i) => ({ q, k, code: (plan[k] as { codes: Uint8Array }).codes[i] as number })).filter((t) => t.q.micrograph === key && t.code > 0));
      if (chosen.length === 0) continue;
      let img = await readMicrograph(file);
      if (p.downsample > 1) img = downsample(img, { kind: 'factor', factor: p.downsample, method: 'fourier' });
      const norm = standardised(img.data);
      for (const t of chosen) {
        cropAt(norm, img.width, img.height, t.q.x / p.downsample, t.q.y / p.downsample, B, crop);
        (writers[t.code - 1] as SplitWriter).add(crop, t.k, `${key}:${t.q.x.toFixed(1)}:${t.q.y.toFixed(1)}`);
      }
    }
  }, { kind: 'crops', itemShape: [B, B], params, inputs, preprocessing: { downsample: p.downsample, method: 'fourier', normalize: 'per-micrograph standardisation', box_size: B } });
  log(`dataset ${version}: ${classes.length} classes × ${perClass} crops of ${B}² → ${out}`);
  return { ...done, reused: false };
}
