// Dense crop sampler (beyond Topaz): each example is a crop whose every output pixel is labelled,
// so one step learns from tens of thousands of pixels. Crops get one of the 8 exact rotations/flips
// (the dihedral group: no interpolation, labels stay exact). The crop origin ranges so that every
// output pixel lies inside the micrograph (image pixels outside it are zero, as at inference).
import type { LabelledMicrograph } from './dataset.js';
import type { Random } from '../random.js';
import { pixelLabel } from './negatives.js';

export interface DenseBatch {
  /** batch × crop × crop pixels. */
  readonly x: Float32Array;
  /** batch × out × out labels (1 labelled positive, −1 known negative, 0 unlabelled). */
  readonly y: Float32Array;
}

export interface DenseSamplerOptions {
  readonly crop: number;
  /** Output map side: crop − receptive field + 1 for valid convolutions. */
  readonly out: number;
  /** Crop pixel of output pixel 0 (half the receptive field). */
  readonly offset: number;
  /** Probability that a crop is centred on a pick (so sparse picks are seen often). */
  readonly balance: number;
  readonly augment: boolean;
}

export class DenseSampler {
  constructor(private readonly mics: readonly LabelledMicrograph[], private readonly opts: DenseSamplerOptions, private readonly rng: Random) {}

  sample(batch: number): DenseBatch {
    const { crop, out, offset } = this.opts;
    const x = new Float32Array(batch * crop * crop);
    const y = new Float32Array(batch * out * out);
    for (let b = 0; b < batch; b++) {
      const m = this.mics[this.rng.int(this.mics.length)] as LabelledMicrograph;
      const { width: w, height: h } = m.image;
      // Output pixel (0,0) sits at crop pixel (offset, offset); keep all outputs inside the image.
      const maxX = Math.max(0, w - out);
      const maxY = Math.max(0, h - out);
      let ox = this.rng.int(maxX + 1);
      let oy = this.rng.int(maxY + 1);
      const anchors = labelledPoints(m);
      if (anchors > 0 && this.rng.next() < this.opts.balance) {
        const p = labelledPoint(m, this.rng.int(anchors));
        ox = clamp(Math.round(p.x) - this.rng.int(out), 0, maxX);
        oy = clamp(Math.round(p.y) - this.rng.int(out), 0, maxY);
      }
      const t = this.opts.augment ? this.rng.int(8) : 0;
      // Crop pixel (i,j) of the transformed crop reads image pixel at origin + T(i,j).
      const x0 = ox - offset;
      const y0 = oy - offset;
      fillTransformed(crop, t, (i, j) => {
        const sx = x0 + j;
        const sy = y0 + i;
        return sx >= 0 && sx < w && sy >= 0 && sy < h ? (m.image.data[sy * w + sx] as number) : 0;
      }, x, b * crop * crop);
      fillTransformed(out, t, (i, j) => {
        const sx = ox + j;
        const sy = oy + i;
        return sx >= 0 && sx < w && sy >= 0 && sy < h ? pixelLabel(m.mask, m.negatives, sy * w + sx) : 0;
      }, y, b * out * out);
    }
    return { x, y };
  }
}

/** Points a crop may be centred on: the picks, then the negative picks (junk, carbon, ...). */
export function labelledPoints(m: LabelledMicrograph): number {
  return m.picks.length + (m.negativePicks?.length ?? 0);
}

/** The k-th labelled point (k < labelledPoints(m)). */
export function labelledPoint(m: LabelledMicrograph, k: number): { x: number; y: number } {
  return (k < m.picks.length ? m.picks[k] : m.negativePicks?.[k - m.picks.length]) as { x: number; y: number };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Fills an n×n block with read(T(i,j)), T one of the 8 symmetries of the square (t = 0 identity). */
export function fillTransformed(n: number, t: number, read: (i: number, j: number) => number, dst: Float32Array, off: number): void {
  const last = n - 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let a = i;
      let b = j;
      if (t & 4) { const tmp = a; a = b; b = tmp; }
      if (t & 2) a = last - a;
      if (t & 1) b = last - b;
      dst[off + i * n + j] = read(a, b);
    }
  }
}
