// A fake analytic score model for picking tests: micrographs are sums of Gaussian blobs on a
// low background, and the "network" returns the preprocessed image itself as logits.
import { makeImage, type Image2D } from '../../src/image/image.js';
import { parsePreprocessParams } from '../../src/image/preprocess-params.js';
import type { ScoreModel } from '../../src/pick/score-model.js';
import type { ScoreGrid } from '../../src/pick/extract.js';

export interface Blob {
  readonly x: number;
  readonly y: number;
  readonly peak: number;
}

/** An image of Gaussian blobs (sigma in pixels) on a background of −10. */
export function blobImage(width: number, height: number, blobs: readonly Blob[], sigma: number): Image2D {
  const data = new Float32Array(width * height).fill(-10);
  for (const b of blobs) {
    const reach = Math.ceil(4 * sigma);
    for (let y = Math.max(0, Math.floor(b.y - reach)); y <= Math.min(height - 1, Math.ceil(b.y + reach)); y++) {
      for (let x = Math.max(0, Math.floor(b.x - reach)); x <= Math.min(width - 1, Math.ceil(b.x + reach)); x++) {
        const g = Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * sigma * sigma));
        const i = y * width + x;
        data[i] = Math.max(data[i] as number, -10 + (b.peak + 10) * g);
      }
    }
  }
  return makeImage(width, height, data);
}

/** Identity "network" after binning by `bin`; strided maps sample every `stride`-th pixel. */
export function fakeModel(bin: number, stride = 4): ScoreModel & { calls: number } {
  const model = {
    calls: 0,
    preprocess: parsePreprocessParams({ downsample: bin > 1 ? { kind: 'factor', factor: bin, method: 'bin' } : { kind: 'none' }, normalize: { kind: 'none' } }),
    particleDiameterPx: 40,
    async scoreMap(image: Image2D): Promise<Float32Array> {
      model.calls++;
      return Float32Array.from(image.data);
    },
    async scoreMapStrided(image: Image2D): Promise<ScoreGrid> {
      model.calls++;
      const width = Math.floor((image.width - 1) / stride) + 1;
      const height = Math.floor((image.height - 1) / stride) + 1;
      const data = new Float32Array(width * height);
      for (let i = 0; i < height; i++) for (let j = 0; j < width; j++) data[i * width + j] = image.data[i * stride * image.width + j * stride] as number;
      return { data, width, height, stride };
    },
  };
  return model;
}
