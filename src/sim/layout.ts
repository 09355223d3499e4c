// Where particles go on a simulated micrograph (isolated particles and touching aggregates, with
// uniform random orientations) and which of them a curated pick list would keep as truth.
import type { SimRandom } from './_random.js';
import { randomRotation, type Rotation } from './rotation.js';

/** One particle placed on a micrograph; coordinates in pixels (x = column, y = row). */
export interface PlacedParticle {
  readonly x: number;
  readonly y: number;
  /** Index into the dataset's model list. */
  readonly model: number;
  readonly diameterPx: number;
  readonly rotation: Rotation;
  /** Id of the aggregate this particle belongs to, or -1 when placed on its own. */
  readonly aggregate: number;
}

/** Why a placed particle is not in the truth list. */
export type ExclusionReason = 'edge' | 'overlap' | 'carbon' | 'ice-crystal' | 'junk';

/** A disk-shaped obstacle (ice crystal or junk) that spoils particles touching it. */
export interface DiskObstacle {
  readonly kind: 'ice-crystal' | 'junk';
  readonly x: number;
  readonly y: number;
  readonly radiusPx: number;
}

export interface LayoutRequest {
  readonly width: number;
  readonly height: number;
  readonly count: number;
  readonly aggregateFraction: number;
  /** Diameter in pixels of each model. */
  readonly diameterPx: readonly number[];
  /** Cumulative-ready abundances of the models (sum 1). */
  readonly fractions: readonly number[];
}

function pickModel(rng: SimRandom, fractions: readonly number[]): number {
  let u = rng.uniform();
  for (let i = 0; i < fractions.length; i++) {
    u -= fractions[i]!;
    if (u < 0) return i;
  }
  return fractions.length - 1;
}

/**
 * Places `count` particles: isolated ones at uniform positions (up to 12 tries to avoid touching
 * earlier ones, as particles in thin ice tend to spread out) and, for a fraction of placements,
 * aggregates of 2–4 particles at 0.6–0.95 of touching distance from each other.
 */
export function placeParticles(req: LayoutRequest, rng: SimRandom): PlacedParticle[] {
  const out: PlacedParticle[] = [];
  let aggregates = 0;
  const touches = (x: number, y: number, d: number): boolean =>
    out.some((p) => Math.hypot(p.x - x, p.y - y) < (p.diameterPx + d) / 2);
  while (out.length < req.count) {
    const model = pickModel(rng, req.fractions);
    const d = req.diameterPx[model]!;
    if (rng.uniform() < req.aggregateFraction && req.count - out.length >= 2) {
      const size = Math.min(req.count - out.length, 2 + rng.int(3));
      const id = aggregates++;
      const members: PlacedParticle[] = [];
      let x = rng.range(0, req.width);
      let y = rng.range(0, req.height);
      for (let k = 0; k < size; k++) {
        const m = k === 0 ? model : pickModel(rng, req.fractions);
        const dm = req.diameterPx[m]!;
        if (k > 0) {
          const anchor = members[rng.int(members.length)]!;
          const dist = rng.range(0.6, 0.95) * (anchor.diameterPx + dm) / 2;
          const phi = rng.range(0, 2 * Math.PI);
          x = anchor.x + dist * Math.cos(phi);
          y = anchor.y + dist * Math.sin(phi);
        }
        members.push({ x, y, model: m, diameterPx: dm, rotation: randomRotation(rng), aggregate: id });
      }
      out.push(...members);
      continue;
    }
    let x = 0;
    let y = 0;
    for (let tries = 0; tries < 12; tries++) {
      x = rng.range(0, req.width);
      y = rng.range(0, req.height);
      if (!touches(x, y, d)) break;
    }
    out.push({ x, y, model, diameterPx: d, rotation: randomRotation(rng), aggregate: -1 });
  }
  return out;
}

/** Decides, for each placed particle, whether a curated pick list would keep it. */
export interface TruthContext {
  readonly width: number;
  readonly height: number;
  /** True when a disk of radius r at (x, y) touches the carbon film. */
  readonly onCarbon: (x: number, y: number, radiusPx: number) => boolean;
  readonly obstacles: readonly DiskObstacle[];
}

/**
 * The reason each particle is excluded from the truth, or null when it is kept: kept particles
 * lie fully inside the image, touch no other particle (disks of their diameters do not overlap),
 * and touch no carbon, ice crystal or junk.
 */
export function exclusionReasons(particles: readonly PlacedParticle[], ctx: TruthContext): (ExclusionReason | null)[] {
  return particles.map((p, i) => {
    const r = p.diameterPx / 2;
    if (p.x - r < 0 || p.y - r < 0 || p.x + r > ctx.width - 1 || p.y + r > ctx.height - 1) return 'edge';
    for (let j = 0; j < particles.length; j++) {
      if (j === i) continue;
      const q = particles[j]!;
      if (Math.hypot(q.x - p.x, q.y - p.y) < r + q.diameterPx / 2) return 'overlap';
    }
    if (ctx.onCarbon(p.x, p.y, r)) return 'carbon';
    for (const o of ctx.obstacles) {
      if (Math.hypot(o.x - p.x, o.y - p.y) < r + o.radiusPx) return o.kind;
    }
    return null;
  });
}
