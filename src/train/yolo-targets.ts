// YOLO target encoding: each pick falls in one grid cell, which learns the centre's offset within
// the cell, √(box/anchor) for width and height, and confidence 1; other cells learn confidence 0.
// Two picks in one cell: the one nearer the cell centre is kept. Each cell also lists the true
// boxes near it, for crYOLO's rule that an empty cell whose box overlaps a true one is not penalised.

/** A box in crop pixels (pixel-centre convention: x = 0 is the centre of the first column). */
export interface CropBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** The nearest true boxes each cell lists (x, y, w, h each): enough for particles packed around a cell. */
export const NEAR_SLOTS = 4;

/** Grid target channels per cell: offset x, offset y, √(w/anchor), √(h/anchor), object mask. */
export const GRID_CHANNELS = 5;

/** Target channels per cell: the grid targets, then NEAR_SLOTS true boxes. */
export const TARGET_CHANNELS = GRID_CHANNELS + 4 * NEAR_SLOTS;

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

/**
 * Writes, for every cell, the NEAR_SLOTS true boxes whose centres lie nearest the cell's centre
 * (channels GRID_CHANNELS.. of the crop's targets at `off`; zero-filled by the caller): centre
 * relative to the cell's corner in cells, width and height in anchors; unused slots stay zero (no
 * box). Boxes more than reach = 1 + ⌈0.3·max(w, h)/stride⌉ cells away cannot overlap the cell's
 * box by IoU 0.6 (its centre lies in the cell) and are left out.
 */
export function encodeNearBoxes(boxes: readonly CropBox[], side: number, stride: number, anchor: number, out: Float32Array, off: number): void {
  const g = side / stride;
  const plane = g * g;
  const near: { d: number; b: CropBox }[][] = Array.from({ length: plane }, () => []);
  for (const b of boxes) {
    const fx = (b.x + 0.5) / stride;
    const fy = (b.y + 0.5) / stride;
    const reach = 1 + Math.ceil((0.3 * Math.max(b.w, b.h)) / stride);
    const [i0, j0] = [Math.floor(fy), Math.floor(fx)];
    for (let i = Math.max(0, i0 - reach); i <= Math.min(g - 1, i0 + reach); i++) {
      for (let j = Math.max(0, j0 - reach); j <= Math.min(g - 1, j0 + reach); j++) {
        near[i * g + j]?.push({ d: (fx - j - 0.5) ** 2 + (fy - i - 0.5) ** 2, b });
      }
    }
  }
  for (let cell = 0; cell < plane; cell++) {
    const list = (near[cell] as { d: number; b: CropBox }[]).sort((p, q) => p.d - q.d).slice(0, NEAR_SLOTS);
    const [i, j] = [Math.floor(cell / g), cell % g];
    list.forEach(({ b }, k) => {
      const c = off + (GRID_CHANNELS + 4 * k) * plane + cell;
      out[c] = (b.x + 0.5) / stride - j;
      out[c + plane] = (b.y + 0.5) / stride - i;
      out[c + 2 * plane] = b.w / anchor;
      out[c + 3 * plane] = b.h / anchor;
    });
  }
}
