// Contaminants of a simulated micrograph: hexagonal-ish ice crystals (dark or bright, strong
// edges), a carbon-film edge (the rim of a hole in holey carbon), and small junk (blobs and
// broken particles); placement plus rasterisation into potential and amplitude images.
import type { SimRandom } from './_random.js';
import type { Molecule } from './molecule.js';
import { splatMolecule, type Grid } from './projection.js';
import { randomRotation } from './rotation.js';

export interface IceCrystal {
  readonly kind: 'ice-crystal';
  readonly x: number;
  readonly y: number;
  /** Radius of the circle enclosing the polygon, px. */
  readonly radiusPx: number;
  readonly vertices: readonly (readonly [number, number])[];
  /** Dark (thick crystalline ice) or bright (a thin patch). */
  readonly dark: boolean;
}

/** Carbon film covering everything farther than `holeRadiusPx` from the hole centre. */
export interface CarbonEdge {
  readonly kind: 'carbon';
  readonly holeX: number;
  readonly holeY: number;
  readonly holeRadiusPx: number;
}

export interface Junk {
  readonly kind: 'junk';
  readonly x: number;
  readonly y: number;
  readonly radiusPx: number;
  /** A clump of denatured protein, or a broken piece of one of the particles. */
  readonly source: 'blob' | 'fragment';
}

export type Contaminant = IceCrystal | CarbonEdge | Junk;

export interface ContaminantRequest {
  readonly width: number;
  readonly height: number;
  /** Largest particle diameter, px: contaminant sizes scale with it. */
  readonly diameterPx: number;
  readonly iceCrystals: number;
  readonly carbonProbability: number;
  readonly junk: number;
}

/** Draws this micrograph's contaminants. */
export function placeContaminants(req: ContaminantRequest, rng: SimRandom): Contaminant[] {
  const out: Contaminant[] = [];
  const nIce = rng.poisson(req.iceCrystals);
  for (let i = 0; i < nIce; i++) {
    const r = rng.range(0.6, 2.5) * req.diameterPx;
    const x = rng.range(0, req.width);
    const y = rng.range(0, req.height);
    const turn = rng.range(0, Math.PI / 3);
    const vertices: [number, number][] = [];
    let rmax = 0;
    for (let k = 0; k < 6; k++) {
      const a = turn + (k * Math.PI) / 3 + rng.range(-0.15, 0.15);
      const rk = r * rng.range(0.75, 1.15);
      rmax = Math.max(rmax, rk);
      vertices.push([x + rk * Math.cos(a), y + rk * Math.sin(a)]);
    }
    out.push({ kind: 'ice-crystal', x, y, radiusPx: rmax, vertices, dark: rng.uniform() < 0.75 });
  }
  if (rng.uniform() < req.carbonProbability) {
    // a hole 2–4 image widths across whose rim leaves 10–40 % of the image on carbon
    const holeRadiusPx = rng.range(1, 2) * Math.max(req.width, req.height);
    const phi = rng.range(0, 2 * Math.PI);
    const cover = rng.range(0.1, 0.4);
    const hole = (rim: number): CarbonEdge => ({
      kind: 'carbon',
      holeX: req.width / 2 - Math.cos(phi) * (holeRadiusPx - rim),
      holeY: req.height / 2 - Math.sin(phi) * (holeRadiusPx - rim),
      holeRadiusPx,
    });
    // bisect the rim's distance from the image centre (along phi) to hit the coverage
    let lo = -Math.hypot(req.width, req.height) / 2;
    let hi = -lo;
    for (let it = 0; it < 30; it++) {
      const mid = (lo + hi) / 2;
      if (carbonFraction(hole(mid), req.width, req.height) > cover) lo = mid;
      else hi = mid;
    }
    out.push(hole((lo + hi) / 2));
  }
  const nJunk = rng.poisson(req.junk);
  for (let i = 0; i < nJunk; i++) {
    out.push({
      kind: 'junk',
      x: rng.range(0, req.width),
      y: rng.range(0, req.height),
      radiusPx: rng.range(0.12, 0.4) * req.diameterPx,
      source: rng.uniform() < 0.5 ? 'blob' : 'fragment',
    });
  }
  return out;
}

/** Fraction of the image on carbon, sampled on a 24 × 24 grid. */
function carbonFraction(c: CarbonEdge, width: number, height: number): number {
  let on = 0;
  for (let j = 0; j < 24; j++) {
    for (let i = 0; i < 24; i++) if (touchesCarbon(c, ((i + 0.5) * width) / 24, ((j + 0.5) * height) / 24, 0)) on++;
  }
  return on / 576;
}

/** True when a disk of radius r at (x, y) touches the carbon film. */
export function touchesCarbon(c: CarbonEdge, x: number, y: number, radiusPx: number): boolean {
  return Math.hypot(x - c.holeX, y - c.holeY) + radiusPx > c.holeRadiusPx;
}

function insidePolygon(vs: readonly (readonly [number, number])[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = vs.length - 1; i < vs.length; j = i++) {
    const [xi, yi] = vs[i]!;
    const [xj, yj] = vs[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Output images of {@link rasterizeContaminants}, all width × height. */
export interface ContaminantLayers {
  /** Projected potential (same units as particle projections), later filtered by the CTF. */
  readonly potential: Grid;
  /** Relative intensity change added directly (scattering loss of thick objects). */
  readonly amplitude: Float32Array;
  /** 1 on the carbon film, 0 elsewhere. */
  readonly carbonMask: Float32Array;
}

export interface RasterRequest {
  readonly pixelSizeA: number;
  /** Projected potential of a typical particle centre, used to scale contaminant contrast. */
  readonly particlePotential: number;
  /** Molecules that broken-particle junk is cut from. */
  readonly molecules: readonly Molecule[];
}

/** Draws the contaminants into `layers` (added to what is there). */
export function rasterizeContaminants(items: readonly Contaminant[], layers: ContaminantLayers, req: RasterRequest, rng: SimRandom): void {
  const { width, height, data } = layers.potential;
  for (const c of items) {
    if (c.kind === 'ice-crystal') {
      const strength = rng.range(1, 2.5) * req.particlePotential * (c.dark ? 1 : -0.6);
      const amp = c.dark ? -rng.range(0.15, 0.45) : rng.range(0.05, 0.15);
      const x0 = Math.max(0, Math.floor(c.x - c.radiusPx));
      const x1 = Math.min(width - 1, Math.ceil(c.x + c.radiusPx));
      const y0 = Math.max(0, Math.floor(c.y - c.radiusPx));
      const y1 = Math.min(height - 1, Math.ceil(c.y + c.radiusPx));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          if (!insidePolygon(c.vertices, x, y)) continue;
          data[y * width + x]! += strength;
          layers.amplitude[y * width + x]! += amp;
        }
      }
    } else if (c.kind === 'carbon') {
      const strength = rng.range(0.3, 0.6) * req.particlePotential;
      const amp = -rng.range(0.06, 0.15);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (!touchesCarbon(c, x, y, 0)) continue;
          data[y * width + x]! += strength;
          layers.amplitude[y * width + x]! += amp;
          layers.carbonMask[y * width + x] = 1;
        }
      }
    } else {
      rasterizeJunk(c, layers.potential, req, rng);
    }
  }
}

function rasterizeJunk(j: Junk, grid: Grid, req: RasterRequest, rng: SimRandom): void {
  const rot = randomRotation(rng);
  if (j.source === 'fragment' && req.molecules.length > 0) {
    // keep the atoms on one side of a random plane: a broken piece of a real particle
    const mol = req.molecules[rng.int(req.molecules.length)]!;
    const [nx, ny, nz] = [rng.normal(), rng.normal(), rng.normal()];
    const offset = rng.range(0.1, 0.35) * mol.diameterA;
    const keep = (i: number): boolean => nx * mol.xyz[3 * i]! + ny * mol.xyz[3 * i + 1]! + nz * mol.xyz[3 * i + 2]! > offset * Math.hypot(nx, ny, nz);
    splatMolecule(grid, mol, rot, j.x, j.y, req.pixelSizeA, keep);
    return;
  }
  // an amorphous clump: a few Gaussian lumps of random sizes
  const lumps = 2 + rng.int(5);
  const perLump = Math.max(1, Math.round((req.particlePotential * Math.PI * j.radiusPx ** 2) / (4 * lumps)));
  const { width, height, data } = grid;
  for (let l = 0; l < lumps; l++) {
    const lx = j.x + rng.normal() * j.radiusPx * 0.4;
    const ly = j.y + rng.normal() * j.radiusPx * 0.4;
    const s = j.radiusPx * rng.range(0.25, 0.5);
    const x0 = Math.max(0, Math.floor(lx - 3 * s));
    const x1 = Math.min(width - 1, Math.ceil(lx + 3 * s));
    const y0 = Math.max(0, Math.floor(ly - 3 * s));
    const y1 = Math.min(height - 1, Math.ceil(ly + 3 * s));
    const norm = perLump / (2 * Math.PI * s * s);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        data[y * width + x]! += norm * Math.exp(-((x - lx) ** 2 + (y - ly) ** 2) / (2 * s * s));
      }
    }
  }
}
