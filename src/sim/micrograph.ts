// simulateMicrograph: one synthetic cryo-EM micrograph with exact ground truth, deterministic
// from (params, seed). Image formation is described in src/sim/README.md.
import { makeImage, type Image2D } from '../image/image.js';
import type { Particle } from '../io/coords.js';
import { SimRandom } from './_random.js';
import { placeContaminants, rasterizeContaminants, touchesCarbon, type CarbonEdge, type Contaminant } from './contaminants.js';
import { nextPowerOfTwo } from './_fft2d.js';
import type { CtfParams } from './ctf.js';
import { colouredNoisePair, filterPair, iceBackground, sampleCtf } from './imaging.js';
import { exclusionReasons, placeParticles, type DiskObstacle, type ExclusionReason, type PlacedParticle } from './layout.js';
import { resolveModels } from './model-set.js';
import { validateSimulationParams, type SimulationParams } from './params.js';
import { splatMolecule } from './projection.js';
import { measureSnr, particleMask } from './snr.js';
import { formImage } from './image-formation.js';
import type { ModelSet } from './model-set.js';

/** A placed particle with the reason it is not in the truth (null = in the truth). */
export interface SimulatedParticle extends PlacedParticle {
  readonly excluded: ExclusionReason | null;
}

/** Noise-free parts of the image, kept on request for tests and diagnostics (all width × height). */
export interface MicrographComponents {
  /** Bilinear projection of all particles (atom weights per pixel, before blur and CTF). */
  readonly projection: Float32Array;
  /** Particle contribution to the image, counts (negative = darker). */
  readonly signal: Float32Array;
  /** Structural + shot noise, counts. */
  readonly noise: Float32Array;
  /** Everything else: mean, uneven ice, contaminants and carbon texture, counts. */
  readonly background: Float32Array;
  /** 1 inside the disk of any placed particle (where the signal variance is measured). */
  readonly particleMask: Uint8Array;
}

export interface SimulatedMicrograph {
  readonly image: Image2D;
  /** Isolated, intact, fully-inside particles: what a curated pick list holds (pixels, with diameter). */
  readonly truth: Particle[];
  /** A random subset of `truth` of size round(labelFraction · truth.length). */
  readonly userPicks: Particle[];
  /** Every placed particle, including those excluded from the truth and why. */
  readonly particles: SimulatedParticle[];
  readonly contaminants: Contaminant[];
  readonly ctf: CtfParams;
  /** The SNR measured on this micrograph with the definition of snr.ts. */
  readonly measuredSnr: number;
  /** Mean counts per pixel (dose · pixel size²). */
  readonly meanCounts: number;
  readonly components?: MicrographComponents;
}

export interface SimulateMicrographOptions {
  /** Keep the noise-free components (costs ~5 extra images of memory). */
  readonly keepComponents?: boolean;
}

function drawCtf(p: SimulationParams, rng: SimRandom): CtfParams {
  const mean = rng.range(p.defocusMinA, p.defocusMaxA);
  const astig = rng.range(0, p.astigmatismMaxA);
  return {
    voltageKv: p.voltageKv,
    sphericalAberrationMm: p.sphericalAberrationMm,
    amplitudeContrast: p.amplitudeContrast,
    defocusUA: mean + astig / 2,
    defocusVA: mean - astig / 2,
    astigmatismAngleDeg: rng.range(0, 180),
    bFactorA2: rng.range(p.bFactorMinA2, p.bFactorMaxA2),
  };
}

function toParticle(p: PlacedParticle): Particle {
  return { x: p.x, y: p.y, diameter: p.diameterPx };
}

interface Scene {
  readonly ctf: CtfParams;
  readonly placed: PlacedParticle[];
  readonly contaminants: Contaminant[];
  readonly particles: SimulatedParticle[];
  readonly truth: Particle[];
  readonly userPicks: Particle[];
}

/** Draws the CTF, particles and contaminants, and decides the truth and the user picks. */
function arrangeScene(params: SimulationParams, seed: number, models: ModelSet): Scene {
  const { width, height, pixelSizeA } = params;
  const ctf = drawCtf(params, new SimRandom(seed, 'ctf'));
  const placed = placeParticles(
    {
      width, height, count: new SimRandom(seed, 'count').poisson(params.particlesPerMicrograph), aggregateFraction: params.aggregateFraction,
      diameterPx: models.molecules.map((m) => m.diameterA / pixelSizeA), fractions: models.fractions,
    },
    new SimRandom(seed, 'layout'),
  );
  const contaminants = placeContaminants(
    {
      width, height, diameterPx: models.maxDiameterA / pixelSizeA, iceCrystals: params.iceCrystalsPerMicrograph,
      carbonProbability: params.carbonProbability, junk: params.junkPerMicrograph,
    },
    new SimRandom(seed, 'contaminants'),
  );
  // truth: what a careful user would keep
  const carbon = contaminants.find((c): c is CarbonEdge => c.kind === 'carbon');
  const obstacles: DiskObstacle[] = contaminants.flatMap((c) => (c.kind === 'carbon' ? [] : [{ kind: c.kind, x: c.x, y: c.y, radiusPx: c.radiusPx }]));
  const reasons = exclusionReasons(placed, { width, height, onCarbon: (x, y, r) => (carbon ? touchesCarbon(carbon, x, y, r) : false), obstacles });
  const particles: SimulatedParticle[] = placed.map((p, i) => ({ ...p, excluded: reasons[i] ?? null }));
  const truth = particles.filter((p) => p.excluded === null).map(toParticle);
  const nPicks = Math.round(params.labelFraction * truth.length);
  const chosen = new Set(new SimRandom(seed, 'picks').shuffled(truth.map((_, i) => i)).slice(0, nPicks));
  return { ctf, placed, contaminants, particles, truth, userPicks: truth.filter((_, i) => chosen.has(i)) };
}

/** Simulates one micrograph. Same (params, seed) → identical result. @throws ConfigError on bad params. */
export function simulateMicrograph(params: SimulationParams, seed: number, options: SimulateMicrographOptions = {}): SimulatedMicrograph {
  validateSimulationParams(params);
  const { width, height, pixelSizeA } = params;
  const n = width * height;
  const models = resolveModels(params);
  const { ctf, placed, contaminants, particles, truth, userPicks } = arrangeScene(params, seed, models);

  // projected potential of the particles (re) and of the contaminants (im), filtered together
  const projection = new Float32Array(n);
  for (const p of placed) splatMolecule({ width, height, data: projection }, models.molecules[p.model]!, p.rotation, p.x, p.y, pixelSizeA);
  const contamPotential = new Float32Array(n);
  const amplitude = new Float32Array(n);
  const carbonMask = new Float32Array(n);
  // projected mass per pixel of an average particle, to give contaminants a comparable contrast
  const meanMass = models.molecules.reduce((s, m, i) => s + ((models.fractions[i] ?? 0) * m.weight.reduce((a, b) => a + b, 0)) / (Math.PI * (m.diameterA / pixelSizeA / 2) ** 2), 0);
  rasterizeContaminants(
    contaminants,
    { potential: { width, height, data: contamPotential }, amplitude, carbonMask },
    { pixelSizeA, particlePotential: 1.5 * meanMass, molecules: models.molecules },
    new SimRandom(seed, 'junk'),
  );
  const transfer = sampleCtf(ctf, nextPowerOfTwo(width), nextPowerOfTwo(height), pixelSizeA);
  // atoms are blurred by their own size plus half a pixel (the bilinear splat is not band-limited)
  const blurSigmaA = Math.hypot(models.atomSigmaA, 0.5 * pixelSizeA);
  const filtered = filterPair(projection, contamPotential, width, height, { transfer, pixelSizeA, blurSigmaA });
  const noiseFields = colouredNoisePair(width, height, { transfer, pixelSizeA, blurSigmaA: 0 }, new SimRandom(seed, 'structural-noise'));
  const mask = particleMask(placed, width, height);
  const formed = formImage({
    particles: filtered.a,
    contaminants: filtered.b,
    structural: noiseFields.a,
    carbonTexture: noiseFields.b,
    ice: iceBackground(width, height, params.iceGradient, new SimRandom(seed, 'ice')),
    amplitude,
    carbonMask,
    particleMask: mask,
    meanCounts: params.doseEPerA2 * pixelSizeA * pixelSizeA,
    snr: params.snr,
    structuralNoiseFraction: params.structuralNoiseFraction,
    shotRng: new SimRandom(seed, 'shot-noise'),
  });
  const { data, signal, noise: noiseOut, background, meanCounts } = formed;
  const result: SimulatedMicrograph = {
    image: makeImage(width, height, data, pixelSizeA),
    truth,
    userPicks,
    particles,
    contaminants,
    ctf,
    measuredSnr: measureSnr(signal, noiseOut, mask),
    meanCounts,
  };
  if (!options.keepComponents) return result;
  return {
    ...result,
    components: { projection, signal, noise: noiseOut, background, particleMask: mask },
  };
}
