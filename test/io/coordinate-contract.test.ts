// One contract suite run over every coordinate format: write → read is the identity within the
// format's precision, scores survive where the format stores them, micrograph names are kept.
// Property-based (fast-check) over random particle sets, plus a fixed example per format.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ORIGINAL_FRAME, micrographKey, type MicrographPicks, type Particle } from '../../src/io/coords.js';
import { readCoordinates, writeCoordinates, type CoordinateFormat } from '../../src/io/coordinate-formats.js';

interface Contract {
  readonly format: CoordinateFormat;
  /** Output path inside the temp folder ('/' suffix = per-micrograph folder). */
  readonly out: string;
  /** Largest coordinate error allowed, in pixels (relative to the micrograph size for .cs). */
  readonly tolerance: number;
  readonly keepsScore: boolean;
  readonly keepsDiameter: boolean;
  /** Micrographs without particles survive (per-micrograph files) or vanish (one table). */
  readonly keepsEmpty: boolean;
  readonly multi: boolean;
}

const CONTRACTS: readonly Contract[] = [
  { format: 'star', out: 'picks.star', tolerance: 1e-6, keepsScore: true, keepsDiameter: false, keepsEmpty: false, multi: true },
  { format: 'star', out: 'per-mic/', tolerance: 1e-6, keepsScore: true, keepsDiameter: false, keepsEmpty: true, multi: true },
  { format: 'star-particles', out: 'particles.star', tolerance: 1e-6, keepsScore: true, keepsDiameter: false, keepsEmpty: false, multi: true },
  { format: 'star-autopick', out: 'job/autopick.star', tolerance: 1e-6, keepsScore: true, keepsDiameter: false, keepsEmpty: true, multi: true },
  { format: 'box', out: 'box/', tolerance: 1e-3, keepsScore: true, keepsDiameter: true, keepsEmpty: false, multi: true },
  { format: 'cbox', out: 'cbox/', tolerance: 1e-6, keepsScore: true, keepsDiameter: true, keepsEmpty: true, multi: true },
  { format: 'topaz', out: 'picks.txt', tolerance: 0.5, keepsScore: true, keepsDiameter: false, keepsEmpty: false, multi: true },
  { format: 'cs', out: 'picks.cs', tolerance: 1e-3, keepsScore: true, keepsDiameter: false, keepsEmpty: false, multi: true },
  { format: 'csv', out: 'picks.csv', tolerance: 1e-6, keepsScore: true, keepsDiameter: true, keepsEmpty: false, multi: true },
  { format: 'csv', out: 'csv/', tolerance: 1e-6, keepsScore: true, keepsDiameter: true, keepsEmpty: true, multi: true },
];

const SIZE = 4096;

const particleArb = fc.record({
  x: fc.double({ min: 0, max: SIZE - 1, noNaN: true }),
  y: fc.double({ min: 0, max: SIZE - 1, noNaN: true }),
  score: fc.option(fc.double({ min: -50, max: 50, noNaN: true }).filter((s) => s !== -999), { nil: undefined }),
  diameter: fc.double({ min: 8, max: 400, noNaN: true }),
});

function makeSet(names: readonly string[], sets: readonly (readonly { x: number; y: number; score: number | undefined; diameter: number }[])[], allScored: boolean): MicrographPicks[] {
  return names.map((micrograph, i) => ({
    micrograph,
    frame: ORIGINAL_FRAME,
    width: SIZE,
    height: SIZE,
    particles: (sets[i] ?? []).map((p): Particle => {
      const score = allScored ? (p.score ?? 0.5) : p.score;
      return score === undefined ? { x: p.x, y: p.y, diameter: p.diameter } : { x: p.x, y: p.y, score, diameter: p.diameter };
    }),
  }));
}

function close(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol;
}

async function roundTrip(c: Contract, picks: readonly MicrographPicks[]): Promise<MicrographPicks[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-contract-'));
  try {
    const out = join(dir, c.out);
    await writeCoordinates(out, picks, c.format, { optics: { pixelSizeA: 1.06 } });
    return await readCoordinates(out.endsWith('/') ? out.slice(0, -1) : out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkContract(c: Contract, written: readonly MicrographPicks[], read: readonly MicrographPicks[]): void {
  const expected = written.filter((m) => c.keepsEmpty || m.particles.length > 0);
  assert.equal(read.length, expected.length, `${c.format}: micrograph count`);
  const byKey = new Map(read.map((m) => [micrographKey(m.micrograph).replace(/_autopick$/, ''), m]));
  for (const w of expected) {
    const r = byKey.get(micrographKey(w.micrograph));
    assert.ok(r, `${c.format}: micrograph ${w.micrograph} kept (read: ${[...byKey.keys()].join(', ')})`);
    assert.equal(r.particles.length, w.particles.length, `${c.format}: particle count of ${w.micrograph}`);
    w.particles.forEach((p, i) => {
      const q = r.particles[i] as Particle;
      assert.ok(close(q.x, p.x, c.tolerance) && close(q.y, p.y, c.tolerance), `${c.format}: (${q.x}, ${q.y}) vs (${p.x}, ${p.y})`);
      if (c.keepsScore) {
        if (p.score === undefined) assert.equal(q.score, undefined, `${c.format}: missing score stays missing`);
        else assert.ok(q.score !== undefined && Math.abs(q.score - p.score) <= 1e-5 * Math.max(1, Math.abs(p.score)), `${c.format}: score ${q.score} vs ${p.score}`);
      }
      if (c.keepsDiameter) assert.ok(q.diameter !== undefined && close(q.diameter, p.diameter as number, 1e-3), `${c.format}: diameter`);
    });
  }
}

const NAMES = ['Movies/mic_0001.mrc', 'Movies/mic_0002.mrc', 'FoilHole_123_Data_456_frames.mrc'];

for (const c of CONTRACTS) {
  describe(`coordinate contract: ${c.format} → ${c.out}`, () => {
    it('round-trips a fixed example exactly (names, counts, coordinates, scores)', async () => {
      const picks = makeSet(NAMES, [
        [{ x: 100.25, y: 2000.5, score: 1.5, diameter: 180 }, { x: 3000, y: 12.75, score: -2.25, diameter: 180 }],
        [{ x: 55.5, y: 66.5, score: 0.125, diameter: 200 }],
        [{ x: 1, y: 2, score: 3, diameter: 150 }],
      ], true);
      checkContract(c, picks, await roundTrip(c, picks));
    });

    it('round-trips random particle sets (property)', async () => {
      const setArb = fc.array(fc.array(particleArb, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 3 });
      // Formats that store one score column per file need all-or-none scores to be lossless.
      await fc.assert(fc.asyncProperty(setArb, fc.boolean(), async (sets, allScored) => {
        const picks = makeSet(NAMES.slice(0, sets.length), sets, allScored);
        checkContract(c, picks, await roundTrip(c, picks));
      }), { numRuns: 15 });
    });
  });
}
