// Test-time augmentation for the yolo family: the head of each flipped/transposed copy of the
// image is mapped back to the original orientation (cells moved, centre offsets mirrored, width and
// height swapped by a transpose) and the raw head values are averaged before decoding.
import type { Image2D } from '../image/image.js';
import { HEAD_CHANNELS } from '../models/yolo/spec.js';
import { padToMultiple } from '../models/yolo/yolo-model.js';
import { applyTransform, invertTransform, transformsOf, type GridTransform, type TestTimeAugmentation } from './tta.js';

/** A raw head [6, gh, gw] of one image. */
export interface RawHead {
  readonly head: Float32Array;
  readonly gw: number;
  readonly gh: number;
}

/** The head of the transformed image `t(image)`, in the original orientation (grid gw × gh). */
export function headInOriginalFrame(h: RawHead, t: GridTransform): RawHead {
  const plane = h.gw * h.gh;
  const channel = (c: number): Image2D => invertTransform({ width: h.gw, height: h.gh, data: h.head.subarray(c * plane, (c + 1) * plane) }, t);
  const planes = Array.from({ length: HEAD_CHANNELS }, (_, c) => channel(c));
  const first = planes[0] as Image2D;
  // a flip mirrors the offset within the cell: σ(−v) = 1 − σ(v)
  const negate = (p: Image2D, yes: boolean): Float32Array => (yes ? p.data.map((v) => -v) : p.data);
  let [x, y] = [negate(planes[0] as Image2D, t.flipX), negate(planes[1] as Image2D, t.flipY)];
  let [w, hh] = [(planes[2] as Image2D).data, (planes[3] as Image2D).data];
  if (t.transpose) [x, y, w, hh] = [y, x, hh, w];
  const out = new Float32Array(HEAD_CHANNELS * first.width * first.height);
  [x, y, w, hh, (planes[4] as Image2D).data, (planes[5] as Image2D).data].forEach((d, c) => out.set(d, c * d.length));
  return { head: out, gw: first.width, gh: first.height };
}

/**
 * The head of `image` averaged over the transforms of `mode` (the image is padded to multiples of
 * 32 first, so every transform sees the same grid).
 */
export async function augmentedHead(image: Image2D, head: (image: Image2D) => Promise<RawHead>, mode: TestTimeAugmentation): Promise<RawHead> {
  const padded = padToMultiple(image);
  const transforms = transformsOf(mode);
  let sum: RawHead | undefined;
  for (const t of transforms) {
    const h = headInOriginalFrame(await head(applyTransform(padded, t)), t);
    if (!sum) sum = h;
    else for (let i = 0; i < h.head.length; i++) (sum.head as Float32Array)[i] = (sum.head[i] as number) + (h.head[i] as number);
  }
  const avg = sum as RawHead;
  for (let i = 0; i < avg.head.length; i++) (avg.head as Float32Array)[i] = (avg.head[i] as number) / transforms.length;
  return avg;
}
