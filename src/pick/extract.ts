// Score map → particles in original-micrograph pixels: NMS at the map's scale, optional
// sub-pixel peak refinement, scaling back through the stride and the downsampling, border exclusion.
import type { Particle } from '../io/coords.js';
import { nonMaximumSuppression, type Peak } from './nms.js';

/** A score map at some stride over a preprocessed (downsampled) image. */
export interface ScoreGrid {
  /** Logits, row-major, width × height. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /** Map pixel (j, i) is centred on preprocessed-image pixel (j·stride, i·stride); 1 = dense. */
  readonly stride: number;
}

export interface ExtractOptions {
  /** Minimum distance between particle centres, in ORIGINAL micrograph pixels. */
  readonly minDistancePx: number;
  /** Keep detections with score ≥ this logit (the low floor, or the final threshold). */
  readonly threshold: number;
  /** Original pixels per preprocessed pixel along x and y (DownsamplePlan.factorX / factorY). */
  readonly factorX: number;
  readonly factorY: number;
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

/** Offset in (−0.5, 0.5) of the vertex of the parabola through (−1, a), (0, b), (1, c). */
function vertexOffset(a: number, b: number, c: number): number {
  const curvature = a - 2 * b + c;
  if (!(curvature < 0)) return 0; // not a strict maximum along this axis
  const t = (a - c) / (2 * curvature);
  return Math.max(-0.5, Math.min(0.5, t));
}

function refinePeak(grid: ScoreGrid, p: Peak): { x: number; y: number } {
  const { data, width, height } = grid;
  const at = (x: number, y: number): number => data[y * width + x] as number;
  let dx = 0;
  let dy = 0;
  if (p.x > 0 && p.x < width - 1) dx = vertexOffset(at(p.x - 1, p.y), p.score, at(p.x + 1, p.y));
  if (p.y > 0 && p.y < height - 1) dy = vertexOffset(at(p.x, p.y - 1), p.score, at(p.x, p.y + 1));
  return { x: p.x + (Number.isFinite(dx) ? dx : 0), y: p.y + (Number.isFinite(dy) ? dy : 0) };
}

/**
 * Extracts particles from a score map. The NMS radius in map pixels is
 * minDistancePx / (factor · stride) (the mean of the x and y factors).
 * Returns particles in original pixels, descending score.
 * @throws RangeError on non-positive distances, strides or factors.
 */
export function extractParticles(grid: ScoreGrid, options: ExtractOptions): Particle[] {
  const { factorX, factorY, stride } = { ...options, stride: grid.stride };
  if (!(options.minDistancePx > 0)) throw new RangeError(`minimum distance must be > 0 px, got ${options.minDistancePx}`);
  if (!(factorX > 0 && factorY > 0 && stride > 0)) throw new RangeError(`scale factors must be > 0, got ${factorX}, ${factorY}, stride ${stride}`);
  const radius = options.minDistancePx / (((factorX + factorY) / 2) * stride);
  const peaks = nonMaximumSuppression(grid.data, grid.width, grid.height, { radius, threshold: options.threshold });
  const refine = options.refine ?? stride > 1;
  const border = options.borderPx ?? 0;
  const out: Particle[] = [];
  for (const p of peaks) {
    const c = refine ? refinePeak(grid, p) : p;
    const x = c.x * stride * factorX;
    const y = c.y * stride * factorY;
    if (x < border || y < border || x > options.originalWidth - 1 - border || y > options.originalHeight - 1 - border) continue;
    out.push(options.diameterPx === undefined ? { x, y, score: p.score } : { x, y, score: p.score, diameter: options.diameterPx });
  }
  return out;
}
