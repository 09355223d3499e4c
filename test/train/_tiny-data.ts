// A tiny synthetic picking set for training tests: bright Gaussian blobs on noise, written as
// MRC micrographs plus a Topaz-table of a random subset of the blobs (sparse picks).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeImage } from '../../src/image/image.js';
import { writeMrc } from '../../src/io/mrc.js';
import { writeCoordinates } from '../../src/io/coordinate-formats.js';
import type { MicrographPicks } from '../../src/io/coords.js';

export interface TinySet {
  readonly dir: string;
  readonly micrographs: string[];
  readonly picks: string;
  readonly truth: Map<string, { x: number; y: number }[]>;
}

export async function makeTinySet(o: { count: number; size: number; particles: number; sigma: number; labelled: number; seed: number }): Promise<TinySet> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-train-'));
  let a = o.seed + 1;
  const rnd = (): number => { a = (a * 48271) % 2147483647; return a / 2147483647; };
  const gauss = (): number => Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd());
  const micrographs: string[] = [];
  const picks: MicrographPicks[] = [];
  const truth = new Map<string, { x: number; y: number }[]>();
  for (let m = 0; m < o.count; m++) {
    const n = o.size;
    const data = new Float32Array(n * n);
    for (let i = 0; i < data.length; i++) data[i] = gauss();
    const centres: { x: number; y: number }[] = [];
    const minDist = 4 * o.sigma;
    for (let tries = 0; centres.length < o.particles && tries < 5000; tries++) {
      const c = { x: Math.round(6 + rnd() * (n - 12)), y: Math.round(6 + rnd() * (n - 12)) };
      if (centres.every((q) => (q.x - c.x) ** 2 + (q.y - c.y) ** 2 >= minDist * minDist)) centres.push(c);
    }
    for (const c of centres) {
      const r = Math.ceil(3 * o.sigma);
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
        const x = c.x + dx; const y = c.y + dy;
        if (x < 0 || y < 0 || x >= n || y >= n) continue;
        data[y * n + x] = (data[y * n + x] as number) + 2.5 * Math.exp(-(dx * dx + dy * dy) / (2 * o.sigma * o.sigma));
      }
    }
    const name = `mic${m}`;
    const path = join(dir, `${name}.mrc`);
    await writeMrc(path, makeImage(n, n, data));
    micrographs.push(path);
    truth.set(name, centres);
    const k = Math.max(1, Math.round(o.labelled * centres.length));
    picks.push({ micrograph: name, particles: centres.slice(0, k), frame: { binning: 1, yFlipped: false } });
  }
  const picksPath = join(dir, 'picks.txt');
  await writeCoordinates(picksPath, picks, 'topaz');
  return { dir, micrographs, picks: picksPath, truth };
}
