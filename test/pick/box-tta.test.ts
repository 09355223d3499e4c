// Test-time augmentation of yolo heads: for a head that is exactly equivariant (built here from
// the image), averaging over flips and transposes must give back the plain head, which checks
// every cell move, offset mirror and width/height swap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Image2D } from '../../src/image/image.js';
import { augmentedHead, headInOriginalFrame, type RawHead } from '../../src/pick/box-tta.js';

const S = 4; // cell side

/** Per cell: the brightest pixel's offset (as logits), gradient magnitudes across and along it, its value, the cell mean. */
async function equivariantHead(im: Image2D): Promise<RawHead> {
  const [gw, gh] = [im.width / S, im.height / S];
  const plane = gw * gh;
  const at = (x: number, y: number): number => im.data[Math.min(im.height - 1, Math.max(0, y)) * im.width + Math.min(im.width - 1, Math.max(0, x))] as number;
  const head = new Float32Array(6 * plane);
  const logit = (p: number): number => Math.log(p / (1 - p));
  for (let i = 0; i < gh; i++) {
    for (let j = 0; j < gw; j++) {
      let [bx, by, best, sum] = [0, 0, -Infinity, 0];
      for (let y = i * S; y < (i + 1) * S; y++) for (let x = j * S; x < (j + 1) * S; x++) {
        sum += at(x, y);
        if (at(x, y) > best) [bx, by, best] = [x, y, at(x, y)];
      }
      const c = i * gw + j;
      head[c] = logit((bx - j * S + 0.5) / S);
      head[plane + c] = logit((by - i * S + 0.5) / S);
      head[2 * plane + c] = Math.log(1 + Math.abs(at(bx + 1, by) - at(bx - 1, by)));
      head[3 * plane + c] = Math.log(1 + Math.abs(at(bx, by + 1) - at(bx, by - 1)));
      head[4 * plane + c] = best;
      head[5 * plane + c] = sum / (S * S);
    }
  }
  return { head, gw, gh };
}

function image(): Image2D {
  const [w, h] = [64, 32];
  // distinct values (no ties for the brightest pixel), unlike under any flip
  const data = Float32Array.from({ length: w * h }, (_, k) => Math.sin(0.37 * k + 0.011 * k * k) + k * 1e-4);
  return { width: w, height: h, data };
}

test('an equivariant head averaged over the 8 symmetries (and the 4 flips) is the plain head', async () => {
  const im = image();
  const plain = await equivariantHead(im);
  for (const mode of ['flips', 'dihedral'] as const) {
    const avg = await augmentedHead(im, equivariantHead, mode);
    assert.equal(avg.gw, plain.gw);
    assert.equal(avg.gh, plain.gh);
    let worst = 0;
    for (let i = 0; i < plain.head.length; i++) worst = Math.max(worst, Math.abs((avg.head[i] as number) - (plain.head[i] as number)));
    assert.ok(worst < 1e-4, `${mode}: largest difference ${worst}`);
  }
  const none = await augmentedHead(im, equivariantHead, 'none');
  assert.deepEqual([...none.head], [...plain.head]);
});

test('a transposed head comes back with its grid, offsets and sizes swapped', async () => {
  const h: RawHead = { head: Float32Array.from({ length: 6 * 2 }, (_, k) => k + 1), gw: 2, gh: 1 }; // head of a transposed 1 × 2 grid
  const back = headInOriginalFrame(h, { transpose: true, flipX: false, flipY: false });
  assert.deepEqual([back.gw, back.gh], [1, 2]);
  // x ← y, y ← x, w ← h, h ← w; confidence and class stay
  assert.deepEqual([...back.head], [3, 4, 1, 2, 7, 8, 5, 6, 9, 10, 11, 12]);
  const flipped = headInOriginalFrame(h, { transpose: false, flipX: true, flipY: false });
  assert.deepEqual([...flipped.head], [-2, -1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11]);
});
