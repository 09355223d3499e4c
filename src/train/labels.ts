// Label masks for training: every pixel within the positive labelling radius of a pick (in the
// downsampled frame) is a labelled positive; all other pixels are unlabelled.
import type { Particle } from '../io/coords.js';

/** A binary mask (1 = labelled positive) of a width×height image with disks of `radiusPx`. */
export function labelMask(width: number, height: number, picks: readonly Particle[], radiusPx: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const r = Math.floor(radiusPx);
  const r2 = radiusPx * radiusPx;
  for (const p of picks) {
    const cx = Math.round(p.x);
    const cy = Math.round(p.y);
    for (let dy = -r; dy <= r; dy++) {
      const y = cy + dy;
      if (y < 0 || y >= height) continue;
      for (let dx = -r; dx <= r; dx++) {
        const x = cx + dx;
        if (x < 0 || x >= width || dx * dx + dy * dy > r2) continue;
        mask[y * width + x] = 1;
      }
    }
  }
  return mask;
}

/** Number of set pixels. */
export function countPositive(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] as number;
  return n;
}
