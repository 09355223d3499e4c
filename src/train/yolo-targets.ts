// YOLO target encoding: each pick falls in one grid cell, which learns the centre's offset within
// the cell, √(box/anchor) for width and height, and confidence 1; other cells learn confidence 0.
// Two picks in one cell: the one nearer the cell centre is kept.

/** A box in crop pixels (pixel-centre convention: x = 0 is the centre of the first column). */
export interface CropBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Target channels per cell: offset x, offset y, √(w/anchor), √(h/anchor), object mask. */
export const TARGET_CHANNELS = 5;

/**
 * Writes the targets of one crop ([5, g, g] at `off` in `out`, zero-filled by the caller) and
 * returns the number of cells with an object.
 */
export function encodeTargets(boxes: readonly CropBox[], side: number, stride: number, anchor: number, out: Float32Array, off: number): number {
  const g = side / stride;
  const plane = g * g;
  const best = new Float64Array(plane).fill(Number.POSITIVE_INFINITY);
  let count = 0;
  for (const b of boxes) {
    const fx = (b.x + 0.5) / stride;
    const fy = (b.y + 0.5) / stride;
    const j = Math.floor(fx);
    const i = Math.floor(fy);
    if (i < 0 || j < 0 || i >= g || j >= g) continue;
    const u = fx - j;
    const v = fy - i;
    const cell = i * g + j;
    const d = (u - 0.5) ** 2 + (v - 0.5) ** 2;
    if (d >= (best[cell] as number)) continue;
    if (!Number.isFinite(best[cell] as number)) count++;
    best[cell] = d;
    out[off + cell] = u;
    out[off + plane + cell] = v;
    out[off + 2 * plane + cell] = Math.sqrt(b.w / anchor);
    out[off + 3 * plane + cell] = Math.sqrt(b.h / anchor);
    out[off + 4 * plane + cell] = 1;
  }
  return count;
}
