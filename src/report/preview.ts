// Micrograph previews for reports: the image shrunk by box averaging, contrast stretched between
// percentiles, with picks drawn as coloured circles, encoded as PNG.
import type { Image2D } from '../image/image.js';
import type { Particle } from '../io/coords.js';
import { encodePng } from '../io/raster.js';

export interface PickLayer {
  /** Particles in ORIGINAL micrograph pixels. */
  readonly particles: readonly Particle[];
  /** RGB colour of the circles. */
  readonly color: readonly [number, number, number];
  /** Circle diameter in original pixels (default: each particle's diameter, else 40). */
  readonly diameterPx?: number;
}

export interface PreviewOptions {
  /** Longest side of the preview in pixels (default 512). */
  readonly maxSize?: number;
  /** Contrast stretch percentiles (default 1 and 99). */
  readonly lowPercentile?: number;
  readonly highPercentile?: number;
  /** Circle line width in preview pixels (default 2). */
  readonly lineWidth?: number;
}

export interface Preview {
  readonly width: number;
  readonly height: number;
  /** Original pixels per preview pixel. */
  readonly scale: number;
  readonly png: Buffer;
}

function shrink(image: Image2D, factor: number): { data: Float32Array; width: number; height: number } {
  const width = Math.max(1, Math.floor(image.width / factor));
  const height = Math.max(1, Math.floor(image.height / factor));
  const data = new Float32Array(width * height);
  const f = Math.max(1, Math.floor(factor));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let n = 0;
      const y0 = Math.floor(y * factor);
      const x0 = Math.floor(x * factor);
      for (let dy = 0; dy < f && y0 + dy < image.height; dy++) {
        const row = (y0 + dy) * image.width;
        for (let dx = 0; dx < f && x0 + dx < image.width; dx++) {
          const v = image.data[row + x0 + dx] as number;
          if (Number.isFinite(v)) {
            sum += v;
            n++;
          }
        }
      }
      data[y * width + x] = n > 0 ? sum / n : 0;
    }
  }
  return { data, width, height };
}

function percentile(sorted: Float32Array, p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))));
  return sorted[i] as number;
}

/** Draws a ring of radius r (preview pixels) and the given width into an RGB buffer. */
function drawRing(rgb: Uint8Array, width: number, height: number, cx: number, cy: number, r: number, lineWidth: number, color: readonly [number, number, number]): void {
  const outer = r + lineWidth / 2;
  const inner = Math.max(0, r - lineWidth / 2);
  for (let y = Math.max(0, Math.floor(cy - outer)); y <= Math.min(height - 1, Math.ceil(cy + outer)); y++) {
    for (let x = Math.max(0, Math.floor(cx - outer)); x <= Math.min(width - 1, Math.ceil(cx + outer)); x++) {
      const d = Math.hypot(x - cx, y - cy);
      if (d < inner || d > outer) continue;
      const i = 3 * (y * width + x);
      rgb[i] = color[0];
      rgb[i + 1] = color[1];
      rgb[i + 2] = color[2];
    }
  }
}

/**
 * Renders a preview PNG of `image` (row 0 at the top, as stored) with each layer's picks as
 * circles. Deterministic for the same input.
 */
export function renderPickPreview(image: Image2D, layers: readonly PickLayer[], options: PreviewOptions = {}): Preview {
  const maxSize = options.maxSize ?? 512;
  if (!(maxSize >= 8)) throw new RangeError(`preview size must be >= 8, got ${maxSize}`);
  const scale = Math.max(1, Math.max(image.width, image.height) / maxSize);
  const small = shrink(image, scale);
  const sorted = Float32Array.from(small.data).sort();
  const lo = percentile(sorted, options.lowPercentile ?? 1);
  const hi = percentile(sorted, options.highPercentile ?? 99);
  const span = hi > lo ? hi - lo : 1;
  const rgb = new Uint8Array(small.width * small.height * 3);
  for (let i = 0; i < small.data.length; i++) {
    const g = Math.round(255 * Math.min(1, Math.max(0, ((small.data[i] as number) - lo) / span)));
    rgb[3 * i] = g;
    rgb[3 * i + 1] = g;
    rgb[3 * i + 2] = g;
  }
  const lineWidth = options.lineWidth ?? 2;
  for (const layer of layers) {
    for (const p of layer.particles) {
      const d = layer.diameterPx ?? p.diameter ?? 40;
      drawRing(rgb, small.width, small.height, (p.x - (scale - 1) / 2) / scale, (p.y - (scale - 1) / 2) / scale, Math.max(2, d / 2 / scale), lineWidth, layer.color);
    }
  }
  return { width: small.width, height: small.height, scale, png: encodePng(small.width, small.height, rgb, 3) };
}
