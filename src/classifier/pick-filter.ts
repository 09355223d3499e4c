// `pick --classifier M --keep CLASS`: classifies every detection's crop (crop-predict.ts, the
// crops made as the particle-crop dataset was) and keeps only the detections the classifier
// assigns to CLASS (e.g. drop junk, carbon and aggregates).
import { UsageError } from '../errors.js';
import type { Image2D } from '../image/image.js';
import type { MicrographDetections } from '../pick/detections.js';
import { argmaxRow, loadCropClassifier } from './crop-predict.js';

export interface PickFilter {
  readonly filter: (image: Image2D, found: MicrographDetections) => Promise<MicrographDetections>;
  /** Detections seen and kept so far. */
  readonly stats: { seen: number; kept: number };
  release(): Promise<void>;
}

export async function createPickFilter(modelPath: string, keep: string, threads = 0): Promise<PickFilter> {
  const model = await loadCropClassifier(modelPath, threads);
  const { meta } = model;
  const k = meta.classes.indexOf(keep);
  if (k < 0) { await model.release(); throw new UsageError(`--keep: "${keep}" is not a class of ${modelPath}; its classes: ${meta.classes.join(', ')}`); }
  const K = meta.classes.length;
  const stats = { seen: 0, kept: 0 };
  return {
    stats,
    async filter(image, found) {
      if (found.particles.length === 0) return found;
      const prob = await model.classify(image, found.particles);
      const particles = found.particles.filter((_, i) => argmaxRow(prob, i, K) === k);
      stats.seen += found.particles.length;
      stats.kept += particles.length;
      return { ...found, particles };
    },
    release: () => model.release(),
  };
}
