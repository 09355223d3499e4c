// Topaz-style patch sampler: each example is one receptive-field crop centred on a pixel, with the
// label of that pixel. A `balance` fraction of each minibatch is drawn from the labelled positive
// pixels, the rest uniformly (excluding labelled pixels for PN/GE, any pixel for PU; a known negative
// drawn keeps its label −1). Crops are
// rotated by a uniform random angle (bilinear, zero outside the micrograph) and flipped.
import type { LabelledMicrograph } from './dataset.js';
import type { Random } from '../random.js';
import { pixelLabel } from './negatives.js';

export interface PatchBatch {
  /** batch × size × size pixels. */
  readonly x: Float32Array;
  /** batch labels (1 labelled positive, −1 known negative, 0 unlabelled). */
  readonly y: Float32Array;
}

export interface PatchSamplerOptions {
  readonly size: number;
  /** Fraction of positives per minibatch; 0 = natural (uniform pixels). */
  readonly balance: number;
  /** true for PN and GE objectives: unlabelled draws skip labelled pixels. */
  readonly excludeLabelled: boolean;
  readonly augment: boolean;
}

/** Draws Topaz-style minibatches from micrographs held in memory. */
export class PatchSampler {
  private readonly posMic: Int32Array;
  private readonly posPix: Int32Array;
  constructor(private readonly mics: readonly LabelledMicrograph[], private readonly opts: PatchSamplerOptions, private readonly rng: Random) {
    let n = 0;
    for (const m of mics) for (let i = 0; i < m.mask.length; i++) n += m.mask[i] as number;
    this.posMic = new Int32Array(n);
    this.posPix = new Int32Array(n);
    let k = 0;
    mics.forEach((m, mi) => {
      for (let i = 0; i < m.mask.length; i++) {
        if (m.mask[i]) { this.posMic[k] = mi; this.posPix[k] = i; k++; }
      }
    });
  }

  /** Number of labelled positive pixels over all micrographs. */
  get positives(): number { return this.posPix.length; }

  sample(batch: number): PatchBatch {
    const s = this.opts.size;
    const x = new Float32Array(batch * s * s);
    const y = new Float32Array(batch);
    for (let b = 0; b < batch; b++) {
      const positive = this.posPix.length > 0 && this.opts.balance > 0 && this.rng.next() < this.opts.balance;
      let mi: number;
      let pix: number;
      if (positive) {
        const k = this.rng.int(this.posPix.length);
        mi = this.posMic[k] as number;
        pix = this.posPix[k] as number;
      } else {
        mi = this.rng.int(this.mics.length);
        const m = this.mics[mi] as LabelledMicrograph;
        pix = this.rng.int(m.mask.length);
        for (let tries = 0; this.opts.excludeLabelled && m.mask[pix] && tries < 1000; tries++) pix = this.rng.int(m.mask.length);
      }
      const m = this.mics[mi] as LabelledMicrograph;
      y[b] = pixelLabel(m.mask, m.negatives, pix);
      const cx = pix % m.image.width;
      const cy = Math.floor(pix / m.image.width);
      const angle = this.opts.augment ? this.rng.next() * 2 * Math.PI : 0;
      const fx = this.opts.augment && this.rng.next() < 0.5 ? -1 : 1;
      const fy = this.opts.augment && this.rng.next() < 0.5 ? -1 : 1;
      extractRotated(m, cx, cy, s, angle, fx, fy, x, b * s * s);
    }
    return { x, y };
  }
}

/** Writes a size×size crop centred on (cx, cy), rotated by `angle` and flipped, into `out`. */
export function extractRotated(m: LabelledMicrograph, cx: number, cy: number, size: number, angle: number,
  fx: number, fy: number, out: Float32Array, offset: number): void {
  const { width: w, height: h, data } = m.image;
  const c = (size - 1) / 2;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const exact = angle === 0;
  for (let i = 0; i < size; i++) {
    const v = (i - c) * fy;
    for (let j = 0; j < size; j++) {
      const u = (j - c) * fx;
      const sx = cx + cos * u - sin * v;
      const sy = cy + sin * u + cos * v;
      let val = 0;
      if (exact) {
        const ix = Math.round(sx);
        const iy = Math.round(sy);
        if (ix >= 0 && ix < w && iy >= 0 && iy < h) val = data[iy * w + ix] as number;
      } else {
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const ax = sx - x0;
        const ay = sy - y0;
        val = px(data, w, h, x0, y0) * (1 - ax) * (1 - ay) + px(data, w, h, x0 + 1, y0) * ax * (1 - ay) +
          px(data, w, h, x0, y0 + 1) * (1 - ax) * ay + px(data, w, h, x0 + 1, y0 + 1) * ax * ay;
      }
      out[offset + i * size + j] = val;
    }
  }
}

function px(data: Float32Array, w: number, h: number, x: number, y: number): number {
  return x >= 0 && x < w && y >= 0 && y < h ? (data[y * w + x] as number) : 0;
}
