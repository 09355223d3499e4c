// Display images and thumbnails for the viewer, rendered on demand from the micrograph files:
// binned and Fourier-cropped to display size (image module), optional Gaussian lowpass, contrast stretched
// between percentiles, PNG. Bounded LRU caches keep recent ones; never the whole set in memory.
import { LRUCache } from 'lru-cache';
import type { Image2D } from '../image/image.js';
import { gaussianLowpass, shrinkForDisplay as shrink, stretchToBytes } from '../image/display.js';
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
  /** Original pixels per display pixel along x and y: display pixel j is centred at original j × scale + offset. */
  readonly scaleX: number;
  readonly scaleY: number;
  readonly offset: number;
  readonly originalWidth: number;
  readonly originalHeight: number;
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
  /** Original pixel of display pixel 0's centre (binning by b puts it at (b − 1) / 2), and original px per display px. */
  readonly offset: number;
  readonly scaleX: number;
  readonly scaleY: number;
  readonly originalWidth: number;
  readonly originalHeight: number;
  readonly pixelSizeA?: number;
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
    const { scaleX, scaleY } = base;
    let shown = image;
    if (settings.lowpassPx > 0) {
      // cut-off in cycles per display pixel: (1 / period) cycles per original pixel × original px per display px
      shown = gaussianLowpass(image, Math.max(scaleX, scaleY) / settings.lowpassPx);
    }
    const grey = stretchToBytes(shown.data, settings.lowPercentile, settings.highPercentile);
    const rendered: RenderedImage = {
      png: encodePng(image.width, image.height, grey, 1), width: image.width, height: image.height, scaleX, scaleY, offset: base.offset,
      originalWidth: base.originalWidth, originalHeight: base.originalHeight,
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
    const small = shrink(source, this.thumbnailSize);
    const grey = stretchToBytes(small.image.data, DEFAULT_DISPLAY.lowPercentile, DEFAULT_DISPLAY.highPercentile);
    // composed with the base image's mapping when the thumbnail is made from it
    const bx = base?.scaleX ?? 1;
    const by = base?.scaleY ?? 1;
    const rendered: RenderedImage = {
      png: encodePng(small.image.width, small.image.height, grey, 1), width: small.image.width, height: small.image.height,
      scaleX: small.scaleX * bx, scaleY: small.scaleY * by, offset: (base?.offset ?? 0) + small.offset * bx, originalWidth, originalHeight,
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
      const { image, offset, scaleX, scaleY } = shrink(full, this.displaySize);
      const base: Base = { image, offset, scaleX, scaleY, originalWidth: full.width, originalHeight: full.height, ...(full.pixelSizeA === undefined ? {} : { pixelSizeA: full.pixelSizeA }) };
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
