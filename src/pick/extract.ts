// Score map → particles in original-micrograph pixels: NMS at the map's scale, optional
// sub-pixel peak refinement, scaling back through the stride and the downsampling, border exclusion.
import { ORIGINAL_FRAME, lengthInFrame, toFrame, type Frame, type Particle } from '../io/coords.js';
import { nonMaximumSuppression, type Peak } from './nms.js';

/** A score map at some stride over a preprocessed (downsampled) image. */
export interface ScoreGrid {
  /** Logits, row-major, width × height. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /** Map pixel (j, i) is centred on preprocessed-image pixel (offset + j·stride, offset + i·stride); 1 = dense. */
  readonly stride: number;
  /** Preprocessed pixels before the first map pixel (default 0; (rf − 1)/2 for an unpadded "valid" map). */
  readonly offset?: number;
}

export interface ExtractOptions {
  /** Minimum distance between particle centres, in ORIGINAL micrograph pixels. */
  readonly minDistancePx: number;
  /** Keep detections with score ≥ this logit (the low floor, or the final threshold). */
  readonly threshold: number;
  /** The frame of the preprocessed image the map is over (image/downsample.ts gridFrame of the plan). */
  readonly frame: Frame<'grid'>;
  /** Original micrograph size, for the border. */
  readonly originalWidth: number;
  readonly originalHeight: number;
  /** Drop particles whose centre is closer than this to an edge, in original pixels (default 0). */
  readonly borderPx?: number;
  /** Parabolic sub-pixel refinement of each peak (default: on for strided maps, off for dense). */
  readonly refine?: boolean;
  /** Particle diameter in original pixels, recorded on each particle when given. */
  readonly diameterPx?: number;
}

/**
 * Vertex of the parabola through (−1, a), (0, b), (1, c): its offset in [−0.5, 0.5] and how much
 * higher than b its value is (0 when b is not a strict maximum along this axis).
 */
function vertex(a: number, b: number, c: number): { offset: number; gain: number } {
  const curvature = a - 2 * b + c;
  if (!(curvature < 0)) return { offset: 0, gain: 0 };
  const t = Math.max(-0.5, Math.min(0.5, (a - c) / (2 * curvature)));
  // value at t of the parabola b + t·(c − a)/2 + t²·curvature/2
  const gain = (t * (c - a)) / 2 + (t * t * curvature) / 2;
  return Number.isFinite(t) && Number.isFinite(gain) ? { offset: t, gain: Math.max(0, gain) } : { offset: 0, gain: 0 };
}

/** Sub-pixel position and interpolated peak score (separable quadratic fit on the 3×3 cross). */
function refinePeak(grid: ScoreGrid, p: Peak): { x: number; y: number; score: number } {
  const { data, width, height } = grid;
  const at = (x: number, y: number): number => data[y * width + x] as number;
  const h = p.x > 0 && p.x < width - 1 ? vertex(at(p.x - 1, p.y), p.score, at(p.x + 1, p.y)) : { offset: 0, gain: 0 };
  const v = p.y > 0 && p.y < height - 1 ? vertex(at(p.x, p.y - 1), p.score, at(p.x, p.y + 1)) : { offset: 0, gain: 0 };
  return { x: p.x + h.offset, y: p.y + v.offset, score: p.score + h.gain + v.gain };
}

/**
 * Extracts particles from a score map. The NMS radius in map pixels is minDistancePx in the grid
 * frame / stride; peaks are carried to original pixels by toFrame.
 * With refinement, positions are sub-pixel and scores the interpolated peak values (order may then
 * differ slightly from descending). Returns particles in original pixels.
 * @throws RangeError on non-positive distances, strides or factors.
 */
export function extractParticles(grid: ScoreGrid, options: ExtractOptions): Particle<'original'>[] {
  const stride = grid.stride;
  if (!(options.minDistancePx > 0)) throw new RangeError(`minimum distance must be > 0 px, got ${options.minDistancePx}`);
  if (!(stride > 0)) throw new RangeError(`stride must be > 0, got ${stride}`);
  const radius = lengthInFrame(options.minDistancePx, ORIGINAL_FRAME, options.frame) / stride;
  const peaks = nonMaximumSuppression(grid.data, grid.width, grid.height, { radius, threshold: options.threshold });
  const refine = options.refine ?? stride > 1;
  const offset = grid.offset ?? 0;
  const border = options.borderPx ?? 0;
  const onGrid: Particle<'grid'>[] = [];
  for (const p of peaks) {
    const c = refine ? refinePeak(grid, p) : p;
    // the floor/threshold applies to the refined score too (refinement only raises it)
    onGrid.push({ x: offset + c.x * stride, y: offset + c.y * stride, score: c.score });
  }
  const out: Particle<'original'>[] = [];
  for (const { x, y, score = Number.NaN } of toFrame({ micrograph: '', particles: onGrid, frame: options.frame }, ORIGINAL_FRAME).particles) {
    if (x < border || y < border || x > options.originalWidth - 1 - border || y > options.originalHeight - 1 - border) continue;
    out.push(options.diameterPx === undefined ? { x, y, score } : { x, y, score, diameter: options.diameterPx });
  }
  return out;
}
