// The one internal particle-coordinate model shared by every reader, writer, picker and
// evaluator, with explicit frames: binning relative to the original micrograph and y direction.

/**
 * The pixel spaces a pick list can be in, part of its type so that picks of one space cannot be
 * passed where another is expected: `original` (pixels of the micrograph as stored on disk),
 * `grid` (pixels of the working grid after downsampling, see image/downsample.ts `gridFrame`),
 * `file` (whatever frame a coordinate file was declared to be in).
 */
export type Space = 'original' | 'grid' | 'file';

declare const inSpace: unique symbol;

/** One particle centre in pixels of a stated frame, with optional score and diameter. */
export interface Particle<S extends Space = Space> {
  /** Column of the centre, in pixels of the frame (0 = centre of the first column). */
  readonly x: number;
  /** Row of the centre, in pixels of the frame. */
  readonly y: number;
  /** Detection score (a log-likelihood ratio for cryopick picks), if any. */
  readonly score?: number;
  /** Particle diameter in pixels of the frame, if known. */
  readonly diameter?: number;
  /** Estimated box width and height in pixels of the frame (box detectors, crYOLO's _EstWidth/_EstHeight), if known. */
  readonly width?: number;
  readonly height?: number;
  /** Compile-time only: the space the pixels belong to (never set at run time). */
  readonly [inSpace]?: S;
}

/**
 * The coordinate frame of a pick list.
 * - `binning`: pixels of the original micrograph per pixel of this frame along x (1 = original,
 *   8 = coordinates measured on an 8× downsampled image); `binningY` along y when it differs
 *   (Fourier cropping to whole pixel counts gives slightly different per-axis factors).
 * - `yFlipped`: false when y counts rows as stored in the micrograph file (RELION, cryoSPARC,
 *   Topaz); true when y counts from the other edge (a rendering displayed with row 0 at the
 *   bottom, e.g. some PNG exports and EMAN boxes read against flipped images).
 */
export interface Frame<S extends Space = Space> {
  readonly space?: S;
  readonly binning: number;
  readonly binningY?: number;
  readonly yFlipped: boolean;
}

export const ORIGINAL_FRAME: Frame<'original'> = { space: 'original', binning: 1, yFlipped: false };

/** The frame a coordinate file is declared to be in (files do not say): binning relative to the micrographs, y direction. */
export function fileFrame(binning = 1, yFlipped = false): Frame<'file'> {
  if (!(binning > 0) || !Number.isFinite(binning)) throw new RangeError(`binning must be > 0, got ${binning}`);
  return { space: 'file', binning, yFlipped };
}

/** The picks of one micrograph. `micrograph` is the name as the source file gave it. */
export interface MicrographPicks<S extends Space = Space> {
  readonly micrograph: string;
  readonly particles: readonly Particle<S>[];
  readonly frame: Frame<S>;
  /** Micrograph size in pixels of `frame`, when known (needed for y-flips, .cs fractions). */
  readonly width?: number;
  readonly height?: number;
}

/** Original pixels per pixel of `frame` along x and y. */
function binningOf(frame: Frame): { x: number; y: number } {
  return { x: frame.binning, y: frame.binningY ?? frame.binning };
}

/** Mirrors y in an image of `height` rows: y' = (height - 1) - y (pixel-centre convention). */
function flipY<P extends Particle>(particles: readonly P[], height: number): P[] {
  if (!(height > 0)) throw new RangeError(`flipping y needs the image height, got ${height}`);
  return particles.map((p) => ({ ...p, y: height - 1 - p.y }));
}

/**
 * A length (diameter, radius, distance) in `from`'s pixels, in pixels of `to`: scaled by the
 * geometric mean of the x and y factors, so that converting there and back is the identity.
 */
export function lengthInFrame(length: number, from: Frame, to: Frame): number {
  const a = binningOf(from);
  const b = binningOf(to);
  return length * Math.sqrt((a.x / b.x) * (a.y / b.y));
}

/**
 * Re-expresses picks in another frame (binning per axis and y direction), scaling sizes too: the
 * one coordinate converter. y is unflipped with the height in the source frame, then scaled, then
 * flipped with the height in the target frame.
 * @throws RangeError when a y-flip is needed and the height is unknown.
 */
export function toFrame<S extends Space>(picks: MicrographPicks, target: Frame<S>): MicrographPicks<S> {
  const from = binningOf(picks.frame);
  const to = binningOf(target);
  const fx = from.x / to.x;
  const fy = from.y / to.y;
  if (!(fx > 0 && fy > 0) || !Number.isFinite(fx) || !Number.isFinite(fy)) throw new RangeError(`scale factor must be > 0, got ${fx}, ${fy}`);
  let particles: Particle[] = picks.particles.slice();
  let height = picks.height;
  if (picks.frame.yFlipped) {
    if (height === undefined) throw new RangeError(`cannot unflip y of ${picks.micrograph}: image height unknown`);
    particles = flipY(particles, height);
  }
  if (fx !== 1 || fy !== 1) {
    const fd = lengthInFrame(1, picks.frame, target);
    particles = particles.map((p) => {
      const q: { x: number; y: number; score?: number; diameter?: number; width?: number; height?: number } = { x: p.x * fx, y: p.y * fy };
      if (p.score !== undefined) q.score = p.score;
      if (p.diameter !== undefined) q.diameter = p.diameter * fd;
      if (p.width !== undefined) q.width = p.width * fx;
      if (p.height !== undefined) q.height = p.height * fy;
      return q;
    });
  }
  const width = picks.width === undefined ? undefined : Math.round(picks.width * fx);
  height = height === undefined ? undefined : Math.round(height * fy);
  if (target.yFlipped) {
    if (height === undefined) throw new RangeError(`cannot flip y of ${picks.micrograph}: image height unknown`);
    particles = flipY(particles, height);
  }
  return {
    micrograph: picks.micrograph,
    particles: particles as Particle<S>[],
    frame: target,
    ...(width === undefined ? {} : { width }),
    ...(height === undefined ? {} : { height }),
  };
}

/** A micrograph name reduced for matching: no folders, no extension(s), lower case. */
export function micrographKey(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? name;
  return base.replace(/(\.(mrc|mrcs|tif|tiff|png|jpg|jpeg|gz|bz2|star|box|cbox|txt|csv|cs))+$/i, '').toLowerCase();
}
