// Display images and thumbnails for the viewer, rendered on demand from the micrograph files:
// binned while read (one pass, never the whole micrograph in memory) and Fourier-cropped to display
// size (image module), optional Gaussian lowpass, contrast stretched between percentiles, PNG.
// Bounded LRU caches keep recent ones; never the whole set in memory.
import { LRUCache } from 'lru-cache';
import type { Image2D } from '../image/image.js';
import { BlockBinner } from '../image/downsample.js';
import { displayBinFactor, finishDisplayShrink, gaussianLowpass, shrinkForDisplay, stretchToBytes, type DisplayShrink } from '../image/display.js';
import { readMicrograph } from '../io/micrograph.js';
import { streamMicrographRows } from '../io/micrograph-rows.js';
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
  /** Reads a whole micrograph (tests); by default files are streamed and binned as they are read. */
  readonly readImage?: (path: string) => Promise<Image2D>;
}

interface Shrunk extends DisplayShrink {
  readonly originalWidth: number;
  readonly originalHeight: number;
  readonly pixelSizeA?: number;
}

/** True when every value is finite (binned sums are non-finite exactly when an input pixel was). */
function allFinite(data: Float32Array): boolean {
  for (let i = 0; i < data.length; i++) if ((data[i] as number) - (data[i] as number) !== 0) return false;
  return true;
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
  private readonly read: ((path: string) => Promise<Image2D>) | undefined;
  private readonly bases: LRUCache<string, Base>;
  private readonly pngs: LRUCache<string, RenderedImage>;
  private readonly pending = new Map<string, Promise<Base>>();

  constructor(options: DisplayImagesOptions = {}) {
    this.displaySize = options.displaySize ?? 1024;
    this.thumbnailSize = options.thumbnailSize ?? 160;
    this.read = options.readImage;
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
      png: encodePng(image.width, image.height, grey, 1, { fast: true }), width: image.width, height: image.height, scaleX, scaleY, offset: base.offset,
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
    let small: Shrunk;
    if (base === undefined) small = await this.shrunk(path, this.thumbnailSize);
    else {
      // made from the cached display image: its mapping composed with the base image's
      const s = shrinkForDisplay(base.image, this.thumbnailSize);
      small = { ...base, image: s.image, scaleX: s.scaleX * base.scaleX, scaleY: s.scaleY * base.scaleY, offset: base.offset + s.offset * base.scaleX };
    }
    const grey = stretchToBytes(small.image.data, DEFAULT_DISPLAY.lowPercentile, DEFAULT_DISPLAY.highPercentile);
    const rendered: RenderedImage = {
      png: encodePng(small.image.width, small.image.height, grey, 1, { fast: true }), width: small.image.width, height: small.image.height,
      scaleX: small.scaleX, scaleY: small.scaleY, offset: small.offset, originalWidth: small.originalWidth, originalHeight: small.originalHeight,
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
      const base: Base = await this.shrunk(path, this.displaySize);
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

  /**
   * The micrograph at `path` shrunk to `side`: binned band by band while it is read, then Fourier
   * cropped. NaN/±Inf pixels are refused with the reader's located message, as when reading it whole.
   */
  private async shrunk(path: string, side: number): Promise<Shrunk> {
    if (this.read !== undefined) {
      const full = await this.read(path);
      return { ...shrinkForDisplay(full, side), originalWidth: full.width, originalHeight: full.height, ...(full.pixelSizeA === undefined ? {} : { pixelSizeA: full.pixelSizeA }) };
    }
    let binner: BlockBinner | undefined;
    const shape = await streamMicrographRows(path, ({ width, height }) => {
      const b = new BlockBinner(width, height, displayBinFactor(width, height, side));
      binner = b;
      return (rows, count) => b.addRows(rows, count);
    });
    if (binner === undefined) throw new Error('internal: no rows were streamed');
    const binned = binner.result(shape.pixelSizeA);
    if (!allFinite(binned.data)) await readMicrograph(path); // throws the strict reader's message (where, how many)
    return {
      ...finishDisplayShrink(binned, binner.factor, shape.width, shape.height, side), originalWidth: shape.width, originalHeight: shape.height,
      ...(shape.pixelSizeA === undefined ? {} : { pixelSizeA: shape.pixelSizeA }),
    };
  }
}
