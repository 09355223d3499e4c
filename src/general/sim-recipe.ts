// The simulated part of the general model's training data: per-micrograph simulation parameters
// drawn for variety (molecules, sizes, pixel sizes, defocus, ice, carbon, aggregates, crowding,
// particle-free fields), sized so the canonical-scale image is about `gridSide` pixels.
import { PRESETS, type SimulationParams } from '../sim/index.js';
import { Random } from '../random.js';
import { CANONICAL_DIAMETER_GRID_PX } from '../pick/canonical-scale.js';

/**
 * Molecules the general model trains on. The simulated `realistic` preset's molecules (barrel-d7,
 * cage-t, globule-c1) are left out so its held-out benchmark uses shapes the model never saw.
 */
export const GENERAL_TRAIN_MOLECULES = ['ring-c6', 'dimer-c2', 'cage-o', 'capsid-i'] as const;

export interface SimDraw {
  readonly params: SimulationParams;
  readonly seed: number;
  /** Diameter of the largest particle in original pixels. */
  readonly diameterPx: number;
  /** The particle is cropped to this × the canonical diameter (±15 %: tolerance to diameter errors). */
  readonly scale: number;
  /** Crowding class, for the provenance record. */
  readonly field: 'empty' | 'sparse' | 'medium' | 'crowded';
}

const logUniform = (r: Random, lo: number, hi: number): number => Math.exp(Math.log(lo) + r.next() * (Math.log(hi) - Math.log(lo)));
const uniform = (r: Random, lo: number, hi: number): number => lo + r.next() * (hi - lo);

/**
 * Simulation parameters of training micrograph `index` (deterministic from `seed`): particles of
 * 80–400 Å at 0.5–5 Å/px, restricted to 24–110 px so the simulated image stays affordable.
 */
export function drawSimMicrograph(seed: number, index: number, gridSide = 288): SimDraw {
  const r = Random.fromSeeds(seed, index);
  let pixelSizeA = 1;
  let diameterA = 200;
  for (let tries = 0; tries < 1000; tries++) {
    pixelSizeA = logUniform(r, 0.5, 5);
    diameterA = logUniform(r, 80, 400);
    const px = diameterA / pixelSizeA;
    if (px >= 24 && px <= 110) break;
  }
  const diameterPx = diameterA / pixelSizeA;
  const side = Math.max(128, Math.round((gridSide * diameterPx) / CANONICAL_DIAMETER_GRID_PX / 2) * 2);
  const u = r.next();
  const field: SimDraw['field'] = u < 0.1 ? 'empty' : u < 0.35 ? 'sparse' : u < 0.75 ? 'medium' : 'crowded';
  // particles per canonical field of gridSide²: a disc of 18 px covers ~254 px², so 288² holds ~320 at contact
  const area = (gridSide / 288) ** 2;
  const count = { empty: 0, sparse: uniform(r, 5, 25), medium: uniform(r, 30, 70), crowded: uniform(r, 80, 150) }[field] * area;
  const shuffled = [...GENERAL_TRAIN_MOLECULES].sort(() => r.next() - 0.5);
  const models = shuffled.slice(0, 1 + r.int(3));
  const defocusMinA = uniform(r, 5000, 20000);
  const bMin = uniform(r, 20, 100);
  const params: SimulationParams = {
    ...PRESETS.quick.params,
    width: side, height: side, pixelSizeA,
    models, modelWeights: models.map(() => uniform(r, 0.2, 1)),
    particleDiameterA: diameterA,
    particlesPerMicrograph: Math.round(count),
    aggregateFraction: uniform(r, 0, 0.2),
    snr: logUniform(r, 0.05, 0.5),
    structuralNoiseFraction: uniform(r, 0.2, 0.6),
    defocusMinA, defocusMaxA: defocusMinA + uniform(r, 2000, 15000),
    astigmatismMaxA: uniform(r, 0, 1000),
    bFactorMinA2: bMin, bFactorMaxA2: bMin + uniform(r, 0, 100),
    iceGradient: uniform(r, 0, 0.4),
    iceCrystalsPerMicrograph: uniform(r, 0, 2),
    carbonProbability: 0.35,
    junkPerMicrograph: uniform(r, 0, 15) * area,
    labelFraction: 1,
  };
  return { params, seed: (seed * 7919 + index * 104729) >>> 0, diameterPx, scale: uniform(r, 0.85, 1.15), field };
}
