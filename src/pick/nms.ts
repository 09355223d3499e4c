// Non-maximum suppression on a score map, Topaz's algorithm made fast: walk pixels in descending
// score, accept one unless an accepted peak lies closer than the radius, then suppress its disk.

/** A detection at an integer pixel of the score map. */
export interface Peak {
  readonly x: number;
  readonly y: number;
  readonly score: number;
}

export interface NmsOptions {
  /** Minimum distance between accepted centres, in score-map pixels (> 0). */
  readonly radius: number;
  /** Keep only pixels with score ≥ threshold (the low floor for re-thresholding). */
  readonly threshold: number;
  /** Stop after this many peaks (default: no limit). */
  readonly maxPeaks?: number;
}

/** Row half-widths of the open disk of `radius`: pixels at distance < radius from the centre. */
function diskHalfWidths(radius: number): Int32Array {
  const reach = Math.ceil(radius) - 1; // largest |dy| with dy² < r²
  const r2 = radius * radius;
  const rows = new Int32Array(2 * reach + 1);
  for (let dy = -reach; dy <= reach; dy++) {
    let dx = Math.ceil(Math.sqrt(r2 - dy * dy));
    while (dx * dx + dy * dy >= r2) dx--; // largest dx with dx² + dy² < r²
    rows[dy + reach] = dx;
  }
  return rows;
}

const INDEX_BITS = 21;

/** Maps a float32 to a uint32 whose unsigned order is the numeric order (IEEE-754 bit trick). */
function orderKey(bits: number): number {
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

/**
 * Indices of the pixels with score ≥ threshold, by descending score, ties by ascending index.
 * Maps up to 2²¹ pixels sort (score key, index) packed exactly into one float64 with the native
 * numeric sort, several times faster than a comparator; larger maps use the comparator.
 */
function descendingOrder(scores: Float32Array, threshold: number): Uint32Array {
  let n = 0;
  const candidates = new Uint32Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    if ((scores[i] as number) >= threshold) candidates[n++] = i; // NaN fails the comparison
  }
  const chosen = candidates.subarray(0, n);
  if (scores.length > 2 ** INDEX_BITS) return chosen.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, scores.length);
  const packed = new Float64Array(n);
  const top = 2 ** INDEX_BITS - 1;
  for (let k = 0; k < n; k++) {
    const i = chosen[k] as number;
    // ascending sort puts the highest score last; within a score the lowest index last
    const b = bits[i] as number;
    packed[k] = orderKey(b === 0x80000000 ? 0 : b) * 2 ** INDEX_BITS + (top - i);
  }
  packed.sort();
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = top - ((packed[n - 1 - k] as number) % 2 ** INDEX_BITS);
  return order;
}

/**
 * Greedy NMS: pixels with score ≥ threshold are visited in descending score (ties: lower row-major
 * index first); a pixel not yet suppressed is accepted and suppresses every pixel closer than
 * `radius`. The result is in descending score; no two peaks are closer than `radius`, and every
 * rejected pixel lies within `radius` of an accepted peak with a score at least as high.
 * @throws RangeError when the map size does not match or the radius is not positive.
 */
export function nonMaximumSuppression(scores: Float32Array, width: number, height: number, options: NmsOptions): Peak[] {
  if (scores.length !== width * height) throw new RangeError(`score map has ${scores.length} values, expected ${width}x${height}`);
  if (!(options.radius > 0)) throw new RangeError(`NMS radius must be > 0, got ${options.radius}`);
  const maxPeaks = options.maxPeaks ?? Number.POSITIVE_INFINITY;
  const order = descendingOrder(scores, options.threshold);
  const rows = diskHalfWidths(options.radius);
  const reach = (rows.length - 1) / 2;
  const suppressed = new Uint8Array(scores.length);
  const peaks: Peak[] = [];
  for (let k = 0; k < order.length && peaks.length < maxPeaks; k++) {
    const i = order[k] as number;
    if (suppressed[i]) continue;
    const x = i % width;
    const y = (i - x) / width;
    peaks.push({ x, y, score: scores[i] as number });
    for (let dy = -reach; dy <= reach; dy++) {
      const yy = y + dy;
      const half = rows[dy + reach] as number;
      if (yy < 0 || yy >= height) continue;
      const from = yy * width + Math.max(0, x - half);
      const to = yy * width + Math.min(width - 1, x + half);
      suppressed.fill(1, from, to + 1);
    }
  }
  return peaks;
}
