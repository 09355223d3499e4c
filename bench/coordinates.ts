// Coordinate I/O speed: format and parse 200,000 particles (100 micrographs) in every
// coordinate format, in memory (no disk), median of 5 runs after one warm-up.
import type { BenchSection } from './run.js';
import { ORIGINAL_FRAME, type MicrographPicks } from '../src/io/coords.js';
import { formatRelionCoordinates, picksFromStar } from '../src/io/star-relion.js';
import { parseStar } from '../src/io/star.js';
import { formatBox, parseBox } from '../src/io/box.js';
import { formatCbox, parseCbox } from '../src/io/cbox.js';
import { formatTopazTable, parseTopazTable } from '../src/io/topaz-table.js';
import { formatCsvCoordinates, parseCsvCoordinates } from '../src/io/csv-coords.js';
import { formatCryosparcCs, parseCryosparcCs } from '../src/io/cryosparc-cs.js';

const MICS = 100;
const PER = 2000;

function makePicks(): MicrographPicks[] {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: MICS }, (_, i) => ({
    micrograph: `MotionCorr/job002/Movies/mic_${String(i).padStart(5, '0')}.mrc`,
    frame: ORIGINAL_FRAME,
    width: 5760,
    height: 4092,
    particles: Array.from({ length: PER }, () => ({ x: rand() * 5760, y: rand() * 4092, score: rand() * 10 - 5, diameter: 180 })),
  }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(fn: () => unknown): number {
  fn();
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    fn();
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

export async function run(): Promise<BenchSection> {
  const picks = makePicks();
  const n = MICS * PER;
  const rows: string[] = [];
  const one = (name: string, format: () => string | Uint8Array, parse: (data: string | Uint8Array) => unknown): void => {
    const data = format();
    const tf = time(format);
    const tp = time(() => parse(data));
    const mb = (typeof data === 'string' ? Buffer.byteLength(data) : data.length) / 1e6;
    rows.push(`| ${name} | ${mb.toFixed(1)} | ${tf.toFixed(0)} | ${(n / tf / 1e3).toFixed(2)} | ${tp.toFixed(0)} | ${(n / tp / 1e3).toFixed(2)} |`);
  };
  one('RELION STAR (one file)', () => formatRelionCoordinates(picks), (d) => picksFromStar(parseStar(d as string).file, 'x.star'));
  one('EMAN box (per micrograph)', () => picks.map((m) => formatBox(m.particles)).join('\u0000'),
    (d) => (d as string).split('\u0000').map((t) => parseBox(t)));
  one('crYOLO cbox (per micrograph)', () => picks.map((m) => formatCbox(m.particles)).join('\u0000'),
    (d) => (d as string).split('\u0000').map((t) => parseCbox(t)));
  one('Topaz table', () => formatTopazTable(picks), (d) => parseTopazTable(d as string));
  one('CryoPPP CSV (one file)', () => formatCsvCoordinates(picks), (d) => parseCsvCoordinates(d as string));
  one('cryoSPARC .cs', () => formatCryosparcCs(picks), (d) => parseCryosparcCs(d as Uint8Array));
  return {
    title: 'Coordinate formats: format and parse 200,000 particles',
    command: 'npm run bench -- coordinates',
    markdown: [
      `${n.toLocaleString('en')} particles on ${MICS} micrographs, in memory (no disk I/O); median of 5 runs after a warm-up.`,
      '',
      '| format | size (MB) | format (ms) | format (M particles/s) | parse (ms) | parse (M particles/s) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n'),
  };
}
