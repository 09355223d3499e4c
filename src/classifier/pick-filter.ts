// `pick --classifier M --keep CLASS`: crops every detection from its micrograph the way the
// particle-crop dataset was made (downsample, standardise, box) and keeps only the detections the
// classifier assigns to CLASS (e.g. drop junk, carbon and aggregates).
import { FormatError, UsageError } from '../errors.js';
import { downsample } from '../image/downsample.js';
import type { Image2D } from '../image/image.js';
import type { MicrographDetections } from '../pick/detections.js';
import { cropAt } from './crop-etl.js';
import { loadClassifierModel } from './model-file.js';

export interface PickFilter {
  readonly filter: (image: Image2D, found: MicrographDetections) => Promise<MicrographDetections>;
  /** Detections seen and kept so far. */
  readonly stats: { seen: number; kept: number };
  release(): Promise<void>;
}

export async function createPickFilter(modelPath: string, keep: string, threads = 0): Promise<PickFilter> {
  const model = await loadClassifierModel(modelPath, threads);
  const { meta } = model;
  if (meta.kind !== 'crops') { await model.release(); throw new FormatError({ path: modelPath }, 'this classifier was trained on signals, not particle crops'); }
  const k = meta.classes.indexOf(keep);
  if (k < 0) { await model.release(); throw new UsageError(`--keep: "${keep}" is not a class of ${modelPath}; its classes: ${meta.classes.join(', ')}`); }
  const box = meta.itemShape[0] as number;
  const ds = Number(meta.preprocessing['downsample'] ?? 1);
  const K = meta.classes.length;
  const stats = { seen: 0, kept: 0 };
  return {
    stats,
    async filter(image, found) {
      if (found.particles.length === 0) return found;
      const img = ds > 1 ? downsample(image, { kind: 'factor', factor: ds, method: 'fourier' }) : image;
      let mean = 0, sq = 0;
      for (const v of img.data) { mean += v; sq += v * v; }
      mean /= img.data.length;
      const sd = Math.sqrt(Math.max(sq / img.data.length - mean * mean, 1e-12));
      const norm = Float32Array.from(img.data, (v) => (v - mean) / sd);
      const keepIt: boolean[] = [];
      const batch = new Float32Array(meta.batch * box * box);
      const crop = new Float32Array(box * box);
      for (let start = 0; start < found.particles.length; start += meta.batch) {
        const part = found.particles.slice(start, start + meta.batch);
        batch.fill(0);
        part.forEach((p, i) => { cropAt(norm, img.width, img.height, p.x / ds, p.y / ds, box, crop); batch.set(crop, i * box * box); });
        const prob = await model.predict(batch, part.length);
        part.forEach((_, i) => {
          let arg = 0;
          for (let c = 1; c < K; c++) if ((prob[i * K + c] as number) > (prob[i * K + arg] as number)) arg = c;
          keepIt.push(arg === k);
        });
      }
      const particles = found.particles.filter((_, i) => keepIt[i]);
      stats.seen += found.particles.length;
      stats.kept += particles.length;
      return { ...found, particles };
    },
    release: () => model.release(),
  };
}
