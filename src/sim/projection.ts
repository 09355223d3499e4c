// Projection of a rotated molecule along the beam (z) onto a pixel grid: each atom's weight is
// split bilinearly between the four nearest pixels; the Gaussian atom blur is applied later in
// Fourier space together with the CTF, which is exact because blurring is linear and shift-invariant.
import type { Molecule } from './molecule.js';
import type { Rotation } from './rotation.js';

/** A row-major float grid that projections are added into. */
export interface Grid {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array | Float64Array;
}

/**
 * Adds the projection of `mol`, rotated by `rot`, with its centre of mass at pixel (cx, cy)
 * (x = column, y = row, 0 = centre of the first pixel). Atoms outside the grid are dropped.
 * `keep`, when given, selects which atoms to project (used for broken-particle junk).
 */
export function splatMolecule(
  grid: Grid,
  mol: Molecule,
  rot: Rotation,
  cx: number,
  cy: number,
  pixelSizeA: number,
  keep?: (atom: number) => boolean,
): void {
  const { width, height, data } = grid;
  const inv = 1 / pixelSizeA;
  const [r0, r1, r2, r3, r4, r5] = rot;
  const xyz = mol.xyz;
  const n = mol.weight.length;
  for (let i = 0; i < n; i++) {
    if (keep && !keep(i)) continue;
    const ax = xyz[3 * i]!;
    const ay = xyz[3 * i + 1]!;
    const az = xyz[3 * i + 2]!;
    const px = cx + (r0 * ax + r1 * ay + r2 * az) * inv;
    const py = cy + (r3 * ax + r4 * ay + r5 * az) * inv;
    const x0 = Math.floor(px);
    const y0 = Math.floor(py);
    if (x0 < -1 || y0 < -1 || x0 >= width || y0 >= height) continue;
    const fx = px - x0;
    const fy = py - y0;
    const w = mol.weight[i]!;
    const inX0 = x0 >= 0;
    const inX1 = x0 + 1 < width;
    if (y0 >= 0) {
      const row = y0 * width;
      if (inX0) data[row + x0]! += w * (1 - fx) * (1 - fy);
      if (inX1) data[row + x0 + 1]! += w * fx * (1 - fy);
    }
    if (y0 + 1 < height) {
      const row = (y0 + 1) * width;
      if (inX0) data[row + x0]! += w * (1 - fx) * fy;
      if (inX1) data[row + x0 + 1]! += w * fx * fy;
    }
  }
}
