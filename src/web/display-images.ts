// Display images and thumbnails for the viewer, rendered on demand from the micrograph files:
// Fourier-cropped to display size (image module), optional Gaussian lowpass, contrast stretched
// between percentiles, PNG. Bounded LRU caches keep recent ones; never the whole set in memory.
import { LRUCache } from 'lru-cache';
import type { Image2D } from '../image/image.js';
import { fourierCrop } from '../image/fourier-crop.js';
import { lowpassResponse } from '../image/filter.js';
import { readMicrograph } from '../io/micrograph.js';
import { encodePng } from '../io/raster.js';

export interface DisplaySettings {
  /** Lowpass cut-off as a period in ORIGINAL pixels (half-power point); 0 = none. */
  readonly lowpassPx: number;
  /** Contrast stretch percentiles, 0 <= low < high <= 100. */
  readonly lowPercentile: number;
  readonly highPercentile: number;
}

export const DEFAULT_DISPLAY: DisplaySettings = { lowpassPx: 0, lowPercentile: 1, highPercentile: 99 };

export interface RenderedImage {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  /** Original pixels per display pixel along x and y (display pixel j is at original j × scale). */
  readonly scaleX: number;
  readonly scaleY: number;
  readonly pixelSizeA?: number;
}

export interface DisplayImagesOptions {
  /** Longest side of display images (default 1024). */
  readonly displaySize?: number;
  /** Longest side of thumbnails (default 160). */
  readonly thumbnailSize?: number;
  /** Memory for cached images, bytes (default 256 MiB). */
  readonly cacheBytes?: number;
  readonly readImage?: (path: string) => Promise<Image2D>;
}

interface Base {
  readonly image: Image2D;
  readonly originalWidth: number;
  readonly originalHeight: number;
  readonly pixelSizeA?: number;
}

/** The output size for `side`, keeping the aspect ratio; never larger than the input. */
export function fitSize(width: number, height: number, side: number): { width: number; height: number } {
  const f = Math.max(1, Math.max(width, height) / side);
  return { width: Math.max(1, Math.round(width / f)), height: Math.max(1, Math.round(height / f)) };
}

/** Contrast-stretched 8-bit grey values between two percentiles (estimated on ≤ 64k samples). */
export function stretchToBytes(data: Float32Array, lowPercentile: number, highPercentile: number): Uint8Array {
  const step = Math.max(1, Math.floor(data.length / 65536));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) {
    const v = data[i] as number;
    if (Number.isFinite(v)) sample.push(v);
  }
  sample.sort((a, b) => a - b);
  const at = (p: number): number => sample[Math.min(sample.length - 1, Math.max(0, Math.round((p / 100) * (sample.length - 1))))] ?? 0;
  const lo = at(lowPercentile);
  const hi = at(highPercentile);
  const span = hi > lo ? hi - lo : 1;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = ((data[i] as number) - lo) / span;
    out[i] = Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, v))) : 0;
  }
  return out;
}

export class DisplayImages {
  private readonly displaySize: number;
  private readonly thumbnailSize: number;
  private readonly read: (path: string) => Promise<Image2D>;
  private readonly bases: LRUCache<string, Base>;
  private readonly pngs: LRUCache<string, RenderedImage>;
  private readonly pending = new Map<string, Promise<Base>>();

  constructor(options: DisplayImagesOptions = {}) {
    this.displaySize = options.displaySize ?? 1024;
    this.thumbnailSize = options.thumbnailSize ?? 160;
    this.read = options.readImage ?? ((p) => readMicrograph(p));
    const bytes = options.cacheBytes ?? 256 * 2 ** 20;
    this.bases = new LRUCache<string, Base>({ maxSize: bytes * 0.75, sizeCalculation: (b) => Math.max(1, b.image.data.byteLength) });
    this.pngs = new LRUCache<string, RenderedImage>({ maxSize: bytes * 0.25, sizeCalculation: (r) => Math.max(1, r.png.byteLength) });
  }

  /** The display image of a micrograph file with the given settings. */
  async display(path: string, settings: DisplaySettings = DEFAULT_DISPLAY): Promise<RenderedImage> {
    const key = `d|${settings.lowpassPx}|${settings.lowPercentile}|${settings.highPercentile}|${path}`;
    const hit = this.pngs.get(key);
    if (hit) return hit;
    const base = await this.base(path);
    const { image } = base;
    const scaleX = base.originalWidth / image.width;
    const scaleY = base.originalHeight / image.height;
    let shown = image;
    if (settings.lowpassPx > 0) {
      // cut-off in cycles per display pixel: (1 / period) cycles per original pixel × original px per display px
      const fc = Math.max(scaleX, scaleY) / settings.lowpassPx;
      const gaussian = { kind: 'gaussian', cutoff: { fractionNyquist: 1 } } as const;
      shown = fourierCrop(image, image.width, image.height, (fx, fy) => lowpassResponse(gaussian, Math.hypot(fx, fy), fc));
    }
    const grey = stretchToBytes(shown.data, settings.lowPercentile, settings.highPercentile);
    const rendered: RenderedImage = {
      png: encodePng(image.width, image.height, grey, 1), width: image.width, height: image.height, scaleX, scaleY,
      ...(base.pixelSizeA === undefined ? {} : { pixelSizeA: base.pixelSizeA }),
    };
    this.pngs.set(key, rendered);
    return rendered;
  }

  /** A small thumbnail (default contrast, no lowpass beyond the downsampling itself). */
  async thumbnail(path: string): Promise<RenderedImage> {
    const key = `t|${path}`;
    const hit = this.pngs.get(key);
    if (hit) return hit;
    const base = this.bases.get(path);
    const source = base?.image ?? (await this.read(path));
    const originalWidth = base?.originalWidth ?? source.width;
    const originalHeight = base?.originalHeight ?? source.height;
    const size = fitSize(source.width, source.height, this.thumbnailSize);
    const small = size.width === source.width && size.height === source.height ? source : fourierCrop(source, size.width, size.height);
    const grey = stretchToBytes(small.data, DEFAULT_DISPLAY.lowPercentile, DEFAULT_DISPLAY.highPercentile);
    const rendered: RenderedImage = {
      png: encodePng(small.width, small.height, grey, 1), width: small.width, height: small.height,
      scaleX: originalWidth / small.width, scaleY: originalHeight / small.height,
    };
    this.pngs.set(key, rendered);
    return rendered;
  }

  /** The display-size image of a file, read once even when asked for concurrently. */
  private async base(path: string): Promise<Base> {
    const hit = this.bases.get(path);
    if (hit) return hit;
    const running = this.pending.get(path);
    if (running) return running;
    const job = (async (): Promise<Base> => {
      const full = await this.read(path);
      const size = fitSize(full.width, full.height, this.displaySize);
      const image = size.width === full.width && size.height === full.height ? full : fourierCrop(full, size.width, size.height);
      const base: Base = { image, originalWidth: full.width, originalHeight: full.height, ...(full.pixelSizeA === undefined ? {} : { pixelSizeA: full.pixelSizeA }) };
      this.bases.set(path, base);
      return base;
    })();
    this.pending.set(path, job);
    try {
      return await job;
    } finally {
      this.pending.delete(path);
    }
  }
}
