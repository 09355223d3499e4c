// The saved classifier: one ONNX file (input x [B, 1, ...item] in the stored dtype → probabilities
// [B, K]) whose metadata says everything classify needs: classes, item shape, preprocessing.
import { readFile } from 'node:fs/promises';
import { Session, parseModel } from '../engine/index.js';
import { FormatError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { floatToHalf } from '../io/mrc-float16.js';
import type { ModelType } from './config-schema.js';
import type { StorageDType } from './dataset-store.js';
import { storeModelAs } from './model-dtype.js';
import type { ClassifierNet } from './net.js';

export interface ClassifierMetadata {
  readonly format: 'cryopick-classifier';
  readonly version: 1;
  readonly modelType: ModelType;
  readonly kind: 'signal' | 'crops';
  readonly classes: readonly string[];
  readonly itemShape: readonly number[];
  /** Items per run of the graph (classify pads the last batch). */
  readonly batch: number;
  readonly dtype: StorageDType;
  readonly preprocessing: Readonly<Record<string, unknown>>;
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  readonly datasetVersion: string;
}

const KEY = 'cryopick.classifier';

/** Writes the model file atomically. */
export async function saveClassifierModel(path: string, net: ClassifierNet, meta: ClassifierMetadata): Promise<void> {
  const bytes = storeModelAs(net.exportOnnx(meta.batch, { [KEY]: JSON.stringify(meta) }), meta.dtype);
  await writeFileAtomic(path, bytes, { overwrite: true });
}

/** A loaded classifier: probabilities for a batch of items (float32, [n, itemSize], n ≤ batch). */
export interface LoadedClassifier {
  readonly meta: ClassifierMetadata;
  predict(items: Float32Array, n: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function loadClassifierModel(path: string, threads = 0): Promise<LoadedClassifier> {
  let bytes: Uint8Array;
  try { bytes = await readFile(path); } catch (e) { throw new FormatError({ path }, `cannot read the model (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  let metaText: string | undefined;
  try { metaText = parseModel(bytes).metadata[KEY]; } catch { throw new FormatError({ path }, 'not an ONNX model'); }
  if (!metaText) throw new FormatError({ path }, 'not a cryopick classifier (no cryopick.classifier metadata); train one with `cryopick train-classifier`');
  const meta = JSON.parse(metaText) as ClassifierMetadata;
  const session = await Session.create(bytes, threads > 0 ? { threads } : {});
  const size = meta.itemShape.reduce((a, v) => a * v, 1);
  const K = meta.classes.length;
  return {
    meta,
    async predict(items, n) {
      const x = new Float32Array(meta.batch * size);
      x.set(items.subarray(0, n * size));
      const data = meta.dtype === 'float64' ? Float64Array.from(x) : meta.dtype === 'float16' ? Uint16Array.from(x, (v) => floatToHalf(v)) : x;
      const out = await session.run({ x: { data, dims: [meta.batch, 1, ...meta.itemShape] } }, ['probabilities']);
      return (out['probabilities']?.data as Float32Array).slice(0, n * K);
    },
    release: () => session.release(),
  };
}
