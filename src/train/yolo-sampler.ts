// YOLO crop sampler: random square crops of the network input size (a `balance` fraction centred
// near a pick or a negative pick, so sparse picks and known junk are seen often; empty micrographs
// give crops without boxes), one of the 8 exact flips/90° rotations moving
// pixels and boxes together, crYOLO's pixel augmentations, and the encoded grid targets.
import type { LabelledMicrograph } from './dataset.js';
import { fillTransformed, labelledPoint, labelledPoints } from './dense-sampler.js';
import { augmentCrop } from './yolo-augment.js';
import { encodeNearBoxes, encodeTargets, TARGET_CHANNELS, type CropBox } from './yolo-targets.js';
import type { Random } from '../random.js';

export interface YoloBatch {
  /** batch × side × side pixels. */
  readonly x: Float32Array;
  /** batch × TARGET_CHANNELS × g × g targets (yolo-targets.ts). */
  readonly targets: Float32Array;
  /** batch × g × g object mask (the targets' last channel), for the trainer's batch precision. */
  readonly y: Float32Array;
}

export interface YoloSamplerOptions {
  readonly side: number;
  readonly stride: number;
  /** Anchor box side, downsampled pixels. */
  readonly anchor: number;
  /** Box side of picks without their own size (the particle diameter), downsampled pixels. */
  readonly boxSize: number;
  readonly balance: number;
  readonly augment: boolean;
}

/** Where a crop-local point lands after symmetry t (the inverse of fillTransformed's read map). */
export function transformPoint(t: number, n: number, row: number, col: number): [number, number] {
  let a = row;
  let b = col;
  const last = n - 1;
  if (t & 1) b = last - b;
  if (t & 2) a = last - a;
  return t & 4 ? [b, a] : [a, b];
}

export class YoloSampler {
  constructor(private readonly mics: readonly LabelledMicrograph[], private readonly opts: YoloSamplerOptions, private readonly rng: Random) {}

  get grid(): number {
    return this.opts.side / this.opts.stride;
  }

  sample(batch: number): YoloBatch {
    const { side, stride, anchor, boxSize } = this.opts;
    const g = side / stride;
    const plane = g * g;
    const x = new Float32Array(batch * side * side);
    const targets = new Float32Array(batch * TARGET_CHANNELS * plane);
    const y = new Float32Array(batch * plane);
    for (let k = 0; k < batch; k++) {
      const m = this.mics[this.rng.int(this.mics.length)] as LabelledMicrograph;
      const { width: w, height: h } = m.image;
      const maxX = Math.max(0, w - side);
      const maxY = Math.max(0, h - side);
      let x0 = this.rng.int(maxX + 1);
      let y0 = this.rng.int(maxY + 1);
      const anchors = labelledPoints(m);
      if (anchors > 0 && this.rng.next() < this.opts.balance) {
        const p = labelledPoint(m, this.rng.int(anchors));
        x0 = Math.min(maxX, Math.max(0, Math.round(p.x) - this.rng.int(side)));
        y0 = Math.min(maxY, Math.max(0, Math.round(p.y) - this.rng.int(side)));
      }
      const t = this.opts.augment ? this.rng.int(8) : 0;
      fillTransformed(side, t, (i, j) => {
        const sx = x0 + j;
        const sy = y0 + i;
        return sx < w && sy < h ? (m.image.data[sy * w + sx] as number) : 0;
      }, x, k * side * side);
      if (this.opts.augment) augmentCrop(x, k * side * side, side, this.rng);
      const boxes: CropBox[] = [];
      for (const p of m.picks) {
        const lx = p.x - x0;
        const ly = p.y - y0;
        if (lx < -0.5 || ly < -0.5 || lx >= side - 0.5 || ly >= side - 0.5) continue;
        const [row, col] = transformPoint(t, side, ly, lx);
        const bw = p.diameter ?? boxSize;
        boxes.push({ x: col, y: row, w: bw, h: bw });
      }
      const off = k * TARGET_CHANNELS * plane;
      encodeTargets(boxes, side, stride, anchor, targets, off);
      encodeNearBoxes(boxes, side, stride, anchor, targets, off);
      y.set(targets.subarray(off + 4 * plane, off + 5 * plane), k * plane);
    }
    return { x, targets, y };
  }
}
