// Picks that cannot be right because they lie outside their micrograph: counts per micrograph,
// one summary line, and the scaled or y-flipped frame that would put them all inside (a binning or
// y-axis mix-up is the usual cause). Coordinates are pixel centres: inside is [-0.5, size - 0.5).
export interface PicksOnImage {
  readonly micrograph: string;
  /** Pick centres in the micrograph's own pixels. */
  readonly particles: readonly { readonly x: number; readonly y: number }[];
  readonly width: number;
  readonly height: number;
}

export interface OutsideCount {
  readonly micrograph: string;
  readonly inside: number;
  readonly outside: number;
  readonly width: number;
  readonly height: number;
}

/** A frame change that would put every pick inside: multiply by `scale` after mirroring y (if `flipY`). */
export interface FittingFrame {
  readonly scale: number;
  readonly flipY: boolean;
}

export const isInside = (p: { x: number; y: number }, width: number, height: number): boolean =>
  p.x >= -0.5 && p.y >= -0.5 && p.x < width - 0.5 && p.y < height - 0.5;

/** Picks inside and outside each micrograph. */
export function countOutside(sets: readonly PicksOnImage[]): OutsideCount[] {
  return sets.map((s) => {
    const inside = s.particles.filter((p) => isInside(p, s.width, s.height)).length;
    return { micrograph: s.micrograph, inside, outside: s.particles.length - inside, width: s.width, height: s.height };
  });
}

const SCALES = [1, 0.5, 0.25, 0.125, 0.0625, 2, 4, 8];

/**
 * The simplest frame change (y flip and/or a power-of-two scale) under which every pick of every
 * micrograph lies inside; undefined when none does, or when all are inside already.
 */
export function fittingFrame(sets: readonly PicksOnImage[]): FittingFrame | undefined {
  const fits = (scale: number, flipY: boolean): boolean => sets.every((s) => s.particles.every((p) =>
    isInside({ x: p.x * scale, y: (flipY ? s.height - 1 - p.y : p.y) * scale }, s.width, s.height)));
  if (fits(1, false)) return undefined;
  for (const flipY of [false, true]) for (const scale of SCALES) {
    if ((scale !== 1 || flipY) && fits(scale, flipY)) return { scale, flipY };
  }
  return undefined;
}

/** "3 of 40 picks lie outside their micrographs (mic1: 2 of 10 outside its 512×512 pixels, ...)". */
export function describeOutside(counts: readonly OutsideCount[]): string {
  const outside = counts.reduce((a, c) => a + c.outside, 0);
  const total = counts.reduce((a, c) => a + c.outside + c.inside, 0);
  const worst = counts.filter((c) => c.outside > 0).sort((a, b) => b.outside - a.outside);
  const shown = worst.slice(0, 5).map((c) => `${c.micrograph}: ${c.outside} of ${c.outside + c.inside} outside its ${c.width}×${c.height} pixels`);
  const more = worst.length > 5 ? `, and ${worst.length - 5} more micrograph(s)` : '';
  return `${outside} of ${total} picks lie outside their micrographs (${shown.join(', ')}${more})`;
}
