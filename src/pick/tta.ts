// Test-time augmentation: score a preprocessed micrograph under flips (and transposes), map each
// score grid back to the original orientation and average the logits. Works for dense maps and
// for strided maps (the image is zero-padded so that flipped sample positions land on the grid).
import type { Image2D } from '../image/image.js';
import { ShapeError } from '../errors.js';
import type { ScoreGrid } from './extract.js';

export const TTA_MODES = ['none', 'flips', 'dihedral'] as const;
/** none: one pass; flips: identity + x, y and xy flips (4 passes); dihedral: the 8 symmetries of the square. */
export type TestTimeAugmentation = (typeof TTA_MODES)[number];

/** A symmetry of the pixel grid: transpose first (if set), then flip. */
export interface GridTransform {
  readonly transpose: boolean;
  readonly flipX: boolean;
  readonly flipY: boolean;
}

/** The transforms one augmentation mode averages over; the identity comes first. */
export function transformsOf(mode: TestTimeAugmentation): GridTransform[] {
  const flips: GridTransform[] = [false, true].flatMap((flipY) => [false, true].map((flipX) => ({ transpose: false, flipX, flipY })));
  if (mode === 'none') return flips.slice(0, 1);
  if (mode === 'flips') return flips;
  return [...flips, ...flips.map((t) => ({ ...t, transpose: true }))];
}

function transposed(g: Image2D): Image2D {
  const { width: w, height: h, data } = g;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + y] = data[y * w + x] as number;
  return { data: out, width: h, height: w };
}

function flipped(g: Image2D, flipX: boolean, flipY: boolean): Image2D {
  if (!flipX && !flipY) return g;
  const { width: w, height: h, data } = g;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = flipY ? h - 1 - y : y;
    for (let x = 0; x < w; x++) out[y * w + x] = data[sy * w + (flipX ? w - 1 - x : x)] as number;
  }
  return { data: out, width: w, height: h };
}

/** Applies `t` (transpose, then flips). */
export function applyTransform(g: Image2D, t: GridTransform): Image2D {
  return flipped(t.transpose ? transposed(g) : g, t.flipX, t.flipY);
}

/** Undoes `t`: applyTransform followed by invertTransform gives back the input. */
export function invertTransform(g: Image2D, t: GridTransform): Image2D {
  const unflipped = flipped(g, t.flipX, t.flipY);
  return t.transpose ? transposed(unflipped) : unflipped;
}

function padded(image: Image2D, width: number, height: number): Image2D {
  if (width === image.width && height === image.height) return image;
  const data = new Float32Array(width * height); // zeros = the normalised mean, as the network pads itself
  for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width, (y + 1) * image.width), y * width);
  return { width, height, data };
}

/** The padded length whose flip maps the sample positions offset + j·stride onto themselves. */
function alignedLength(length: number, stride: number, offset: number): number {
  const steps = Math.max(0, Math.ceil((length - 1 - 2 * offset) / stride));
  return Math.max(length, steps * stride + 1 + 2 * offset);
}

/**
 * The score grid of `image` averaged over the transforms of `mode`. `score` computes one grid
 * (dense or strided); every pass must use the same stride and offset.
 * @throws ShapeError when a transformed pass returns a grid that does not line up.
 */
export async function augmentedScoreGrid(image: Image2D, score: (image: Image2D) => Promise<ScoreGrid>, mode: TestTimeAugmentation): Promise<ScoreGrid> {
  const first = await score(image);
  const transforms = transformsOf(mode).slice(1);
  if (transforms.length === 0) return first;
  const { stride } = first;
  const offset = first.offset ?? 0;
  const base = padded(image, alignedLength(image.width, stride, offset), alignedLength(image.height, stride, offset));
  const sum = Float64Array.from(first.data);
  for (const t of transforms) {
    const grid = await score(applyTransform(base, t));
    if (grid.stride !== stride || (grid.offset ?? 0) !== offset) {
      throw new ShapeError(`test-time augmentation: a transformed pass returned stride ${grid.stride}/offset ${grid.offset ?? 0}, expected ${stride}/${offset}`);
    }
    const back = invertTransform(grid, t);
    if (back.width < first.width || back.height < first.height) {
      throw new ShapeError(`test-time augmentation: a transformed pass returned a ${back.width}x${back.height} grid, expected at least ${first.width}x${first.height}`);
    }
    for (let y = 0; y < first.height; y++) {
      for (let x = 0; x < first.width; x++) sum[y * first.width + x] = (sum[y * first.width + x] as number) + (back.data[y * back.width + x] as number);
    }
  }
  const n = transforms.length + 1;
  const data = new Float32Array(sum.length);
  for (let i = 0; i < sum.length; i++) data[i] = (sum[i] as number) / n;
  return { ...first, data };
}
