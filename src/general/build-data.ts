// Builds the general model's training set on disk: simulated and real micrographs, each
// Fourier-cropped to the canonical scale (the particle spans ~18 grid px) with its picks in that
// frame. Resumable: finished micrographs are kept; sources.json records where each came from.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Image2D } from '../image/image.js';
import { downsample } from '../image/downsample.js';
import { readMicrograph } from '../io/micrograph.js';
import { writeMrc } from '../io/mrc-writer.js';
import { readCoordinates, writeCoordinates } from '../io/coordinate-formats.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { MicrographPicks, Particle } from '../io/coords.js';
import { simulateMicrograph } from '../sim/index.js';
import { canonicalFactor, CANONICAL_DIAMETER_GRID_PX } from '../pick/canonical-scale.js';
import { drawSimMicrograph } from './sim-recipe.js';

/** One real micrograph with its reference picks (original pixels) and particle diameter. */
export interface RealSource {
  readonly dataset: string;
  readonly image: string;
  readonly picks: string;
  readonly diameterPx: number;
}

export interface BuildOptions {
  readonly outDir: string;
  /** Simulated micrographs (seeded `seed`, indices 0..sim−1). */
  readonly sim: number;
  readonly seed: number;
  /** Side of a simulated micrograph at the canonical scale, grid pixels (default 288). */
  readonly gridSide?: number;
  /** Name prefix of the simulated micrographs (default sim). */
  readonly simPrefix?: string;
  readonly real: readonly RealSource[];
  /** Each real micrograph is written at these multiples of the canonical diameter (scale augmentation). */
  readonly realScales: readonly number[];
  readonly onProgress?: (done: number, total: number, name: string) => void;
}

export interface BuiltMicrograph {
  readonly name: string;
  readonly micrograph: string;
  /** Absent for particle-free micrographs. */
  readonly picks?: string;
  readonly source: string;
  readonly particles: number;
}

/** The picks of `particles` scaled from original pixels to the cropped image. */
function scaled(name: string, particles: readonly Particle[], from: Image2D, to: Image2D): MicrographPicks {
  const fx = to.width / from.width;
  const fy = to.height / from.height;
  return {
    micrograph: name, frame: { binning: 1, yFlipped: false }, width: to.width, height: to.height,
    particles: particles.map((p) => ({ x: (p.x + 0.5) * fx - 0.5, y: (p.y + 0.5) * fy - 0.5 })),
  };
}

async function writeOne(dir: string, name: string, image: Image2D, particles: readonly Particle[], diameterPx: number, canonicalPx: number): Promise<{ micrograph: string; picks?: string; particles: number }> {
  const micrograph = join(dir, 'micrographs', `${name}.mrc`);
  const picksPath = join(dir, 'picks', `${name}.star`);
  const factor = canonicalFactor(diameterPx, canonicalPx);
  const small = factor === 1 ? image : downsample(image, { kind: 'factor', factor, method: 'fourier' });
  const picks = scaled(name, particles, image, small);
  if (picks.particles.length > 0) await writeCoordinates(picksPath, [picks], 'star', { overwrite: true });
  await writeMrc(micrograph, small, { overwrite: true });
  return { micrograph, ...(picks.particles.length > 0 ? { picks: picksPath } : {}), particles: picks.particles.length };
}

/** Builds (or completes) the training set in `outDir`; returns every micrograph in a stable order. */
export async function buildGeneralData(o: BuildOptions): Promise<BuiltMicrograph[]> {
  await mkdir(join(o.outDir, 'micrographs'), { recursive: true });
  await mkdir(join(o.outDir, 'picks'), { recursive: true });
  const indexPath = join(o.outDir, 'sources.json');
  const done = new Map<string, BuiltMicrograph>();
  if (existsSync(indexPath)) for (const m of JSON.parse(await readFile(indexPath, 'utf8')) as BuiltMicrograph[]) done.set(m.name, m);
  const jobs: { name: string; make: () => Promise<BuiltMicrograph> }[] = [];
  for (let i = 0; i < o.sim; i++) {
    const name = `${o.simPrefix ?? 'sim'}_${String(i).padStart(4, '0')}`;
    jobs.push({ name, make: async () => {
      const d = drawSimMicrograph(o.seed, i, o.gridSide);
      const s = simulateMicrograph(d.params, d.seed);
      const w = await writeOne(o.outDir, name, s.image, s.truth, d.diameterPx, CANONICAL_DIAMETER_GRID_PX * d.scale);
      return { name, ...w, source: `simulated ${d.field}: ${d.params.models.join('+')}, ${d.diameterPx.toFixed(0)} px at ${d.params.pixelSizeA.toFixed(2)} Å/px, SNR ${d.params.snr.toFixed(2)}, seed ${d.seed}` };
    } });
  }
  for (const src of o.real) {
    for (const scale of o.realScales) {
      const name = `${src.dataset}_${basename(src.image).replace(/\.[^.]+$/, '')}_s${Math.round(scale * 100)}`;
      jobs.push({ name, make: async () => {
        const image = await readMicrograph(src.image);
        const particles = (await readCoordinates(src.picks)).flatMap((m) => m.particles);
        const w = await writeOne(o.outDir, name, image, particles, src.diameterPx, CANONICAL_DIAMETER_GRID_PX * scale);
        return { name, ...w, source: `${src.dataset} ${basename(src.image)} at ${scale} × the canonical diameter` };
      } });
    }
  }
  const out: BuiltMicrograph[] = [];
  for (const [k, job] of jobs.entries()) {
    const have = done.get(job.name);
    const m = have && existsSync(have.micrograph) ? have : await job.make();
    out.push(m);
    if (!have) {
      done.set(m.name, m);
      await writeFileAtomic(indexPath, JSON.stringify([...done.values()], null, 1), { overwrite: true });
    }
    o.onProgress?.(k + 1, jobs.length, job.name);
  }
  return out;
}
