// A real pick run for viewer tests: three non-square micrographs of Gaussian blobs picked by the
// fake identity model (so scores are the blob peaks), then re-written with a dark marker disc at
// a known original pixel where nothing was picked, and blobs carrying varied sizes in a cbox set.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeImage, type Image2D } from '../../src/image/image.js';
import { writeMrc } from '../../src/io/mrc.js';
import { writeCoordinates } from '../../src/io/coordinate-formats.js';
import { pickMicrographs } from '../../src/pick/pick-run.js';
import { DEFAULT_FLOOR } from '../../src/pick/threshold.js';
import { blobImage, fakeModel, type Blob } from '../pick/_fake-model.js';

export const WIDTH = 1200;
export const HEIGHT = 800;
/** The dark marker of micrograph 0, in original pixels (no pick within 60 px of it). */
export const MARKER = { x: 913, y: 227, radius: 10 } as const;

export interface ViewFixture {
  readonly dir: string;
  readonly run: string;
  readonly micrographs: readonly string[];
  /** Blobs (truth) of every micrograph, by file name stem. */
  readonly truth: ReadonlyMap<string, readonly Blob[]>;
  /** A folder of .cbox files with varied box sizes, for the size slider. */
  readonly cbox: string;
}

function blobsOf(m: number): Blob[] {
  let a = 7 + m * 101;
  const rnd = (): number => { a = (a * 48271) % 2147483647; return a / 2147483647; };
  const out: Blob[] = [];
  for (let tries = 0; out.length < 14 && tries < 4000; tries++) {
    const b = { x: Math.round(40 + rnd() * (WIDTH - 80)), y: Math.round(40 + rnd() * (HEIGHT - 80)), peak: Math.round((-4 + rnd() * 10) * 100) / 100 };
    const farFromMarker = m !== 0 || Math.hypot(b.x - MARKER.x, b.y - MARKER.y) > 60;
    if (farFromMarker && out.every((q) => Math.hypot(q.x - b.x, q.y - b.y) > 70)) out.push(b);
  }
  return out;
}

/** Mild deterministic noise so the background is grey, not clipped black. */
function withNoise(image: Image2D, seed: number): Image2D {
  let a = seed + 3;
  const data = Float32Array.from(image.data, (v) => { a = (a * 48271) % 2147483647; return v + (a / 2147483647 - 0.5) * 1.5; });
  return makeImage(image.width, image.height, data);
}

function withMarker(image: Image2D): Image2D {
  const data = image.data.slice();
  for (let y = MARKER.y - MARKER.radius; y <= MARKER.y + MARKER.radius; y++) {
    for (let x = MARKER.x - MARKER.radius; x <= MARKER.x + MARKER.radius; x++) {
      if (Math.hypot(x - MARKER.x, y - MARKER.y) <= MARKER.radius) data[y * image.width + x] = -40;
    }
  }
  return makeImage(image.width, image.height, data);
}

/** Builds the fixture in a new temporary folder. */
export async function makeViewFixture(): Promise<ViewFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-view-'));
  const micrographs: string[] = [];
  const truth = new Map<string, Blob[]>();
  for (let m = 0; m < 3; m++) {
    const path = join(dir, `mic${m}.mrc`);
    const blobs = blobsOf(m);
    await writeMrc(path, blobImage(WIDTH, HEIGHT, blobs, 6));
    micrographs.push(path);
    truth.set(`mic${m}`, blobs);
  }
  const run = join(dir, 'picks');
  await pickMicrographs(micrographs, fakeModel(1), { outDir: run, inference: 'dense', minDistancePx: 20, floor: DEFAULT_FLOOR, diameterPx: 40 });
  // the files shown: noisy background, and micrograph 0 with its marker (never picked)
  for (let m = 0; m < 3; m++) {
    const image = withNoise(blobImage(WIDTH, HEIGHT, truth.get(`mic${m}`) ?? [], 6), m);
    await writeMrc(micrographs[m] as string, m === 0 ? withMarker(image) : image, { overwrite: true });
  }
  const cbox = join(dir, 'cbox');
  await writeCoordinates(`${cbox}/`, [...truth].map(([name, blobs]) => ({
    micrograph: name, frame: { binning: 1, yFlipped: false },
    particles: blobs.map((b, k) => ({ x: b.x, y: b.y, score: (b.peak + 4) / 10, diameter: 30 + 3 * k })),
  })), 'cbox', { perMicrograph: true });
  return { dir, run, micrographs, truth, cbox };
}
