// The one internal particle-coordinate model shared by every reader, writer, picker and
// evaluator, with explicit frames: binning relative to the original micrograph and y direction.

/** One particle centre in pixels of a stated frame, with optional score and diameter. */
export interface Particle {
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
}

/**
 * The coordinate frame of a pick list.
 * - `binning`: pixels of the original micrograph per pixel of this frame (1 = original,
 *   8 = coordinates measured on an 8× downsampled image).
 * - `yFlipped`: false when y counts rows as stored in the micrograph file (RELION, cryoSPARC,
 *   Topaz); true when y counts from the other edge (a rendering displayed with row 0 at the
 *   bottom, e.g. some PNG exports and EMAN boxes read against flipped images).
 */
export interface Frame {
  readonly binning: number;
  readonly yFlipped: boolean;
}

export const ORIGINAL_FRAME: Frame = { binning: 1, yFlipped: false };

/** The picks of one micrograph. `micrograph` is the name as the source file gave it. */
export interface MicrographPicks {
  readonly micrograph: string;
  readonly particles: readonly Particle[];
  readonly frame: Frame;
  /** Micrograph size in pixels of `frame`, when known (needed for y-flips, .cs fractions). */
  readonly width?: number;
  readonly height?: number;
}

/** Multiplies coordinates (and diameters) by `factor`: 0.125 maps original pixels to ×8 binned. */
export function scaleParticles(particles: readonly Particle[], factor: number): Particle[] {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`scale factor must be > 0, got ${factor}`);
  return particles.map((p) => {
    const q: { x: number; y: number; score?: number; diameter?: number } = { x: p.x * factor, y: p.y * factor };
    if (p.score !== undefined) q.score = p.score;
    if (p.diameter !== undefined) q.diameter = p.diameter * factor;
    return q;
  });
}

/** Mirrors y in an image of `height` rows: y' = (height - 1) - y (pixel-centre convention). */
export function flipParticlesY(particles: readonly Particle[], height: number): Particle[] {
  if (!(height > 0)) throw new RangeError(`flipping y needs the image height, got ${height}`);
  return particles.map((p) => ({ ...p, y: height - 1 - p.y }));
}

/** Re-expresses picks in another frame (binning and y direction), scaling size fields too. */
export function toFrame(picks: MicrographPicks, target: Frame): MicrographPicks {
  const factor = picks.frame.binning / target.binning;
  let particles = picks.particles.slice();
  let height = picks.height;
  if (picks.frame.yFlipped) {
    if (height === undefined) throw new RangeError(`cannot unflip y of ${picks.micrograph}: image height unknown`);
    particles = flipParticlesY(particles, height);
  }
  if (factor !== 1) particles = scaleParticles(particles, factor);
  const width = picks.width === undefined ? undefined : Math.round(picks.width * factor);
  height = height === undefined ? undefined : Math.round(height * factor);
  if (target.yFlipped) {
    if (height === undefined) throw new RangeError(`cannot flip y of ${picks.micrograph}: image height unknown`);
    particles = flipParticlesY(particles, height);
  }
  return {
    micrograph: picks.micrograph,
    particles,
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
