// The one crop → class-probability path for particle-crop classifiers, shared by `pick --classifier`
// and `cryopick classify --micrographs --picks`: each micrograph is downsampled, standardised and
// cropped exactly as the crop dataset was made (crop-etl.ts), then run in batches of the model's size.
import { FormatError } from '../errors.js';
import { downsample } from '../image/downsample.js';
import type { Image2D } from '../image/image.js';
import { cropAt, standardised } from './crop-etl.js';
import { loadClassifierModel, type ClassifierMetadata } from './model-file.js';

export interface CropClassifier {
  readonly meta: ClassifierMetadata;
  /** Class probabilities of windows centred on `points` (original pixels): n × classes, row-major. */
  classify(image: Image2D, points: readonly { readonly x: number; readonly y: number }[]): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * Loads a classifier trained on particle crops.
 * @throws FormatError when the model classifies signals.
 */
export async function loadCropClassifier(modelPath: string, threads = 0): Promise<CropClassifier> {
  const model = await loadClassifierModel(modelPath, threads);
  const { meta } = model;
  if (meta.kind !== 'crops') {
    await model.release();
    throw new FormatError({ path: modelPath }, 'this classifier was trained on signals, not particle crops');
  }
  const box = meta.itemShape[0] as number;
  const ds = Number(meta.preprocessing['downsample'] ?? 1);
  const K = meta.classes.length;
  return {
    meta,
    async classify(image, points) {
      const out = new Float32Array(points.length * K);
      if (points.length === 0) return out;
      const img = ds > 1 ? downsample(image, { kind: 'factor', factor: ds, method: 'fourier' }) : image;
      const norm = standardised(img.data);
      const batch = new Float32Array(meta.batch * box * box);
      const crop = new Float32Array(box * box);
      for (let start = 0; start < points.length; start += meta.batch) {
        const part = points.slice(start, start + meta.batch);
        batch.fill(0);
        part.forEach((p, i) => { cropAt(norm, img.width, img.height, p.x / ds, p.y / ds, box, crop); batch.set(crop, i * box * box); });
        const prob = await model.predict(batch, part.length);
        out.set(prob.subarray(0, part.length * K), start * K);
      }
      return out;
    },
    release: () => model.release(),
  };
}

/** Index of the most probable class of row i. */
export function argmaxRow(prob: Float32Array, i: number, classes: number): number {
  let arg = 0;
  for (let c = 1; c < classes; c++) if ((prob[i * classes + c] as number) > (prob[i * classes + arg] as number)) arg = c;
  return arg;
}
