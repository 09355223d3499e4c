// Formatted pick outputs at a threshold, built from the detection store: RELION autopick.star
// with per-micrograph STAR files, cryoSPARC .cs, EMAN .box, crYOLO .cbox, Topaz table; always with scores.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MicrographPicks } from '../io/coords.js';
import { writeCoordinates, type CoordinateFormat } from '../io/coordinate-formats.js';
import { detectionsPath, readDetections, selectByScore } from './detections.js';

export const PICK_OUTPUT_FORMATS = ['star', 'cs', 'box', 'cbox', 'topaz'] as const;
export type PickOutputFormat = (typeof PICK_OUTPUT_FORMATS)[number];

/** Where each format goes inside the output folder, and which coordinate writer makes it. */
const LAYOUT: Record<PickOutputFormat, { readonly path: string; readonly writer: CoordinateFormat; readonly perMicrograph?: boolean }> = {
  star: { path: join('relion', 'autopick.star'), writer: 'star-autopick' },
  cs: { path: 'particles.cs', writer: 'cs' },
  box: { path: 'box', writer: 'box', perMicrograph: true },
  cbox: { path: 'cbox', writer: 'cbox', perMicrograph: true },
  topaz: { path: 'particles.txt', writer: 'topaz' },
};

export interface OutputOptions {
  readonly overwrite?: boolean;
  /** Box size for .box/.cbox in original pixels (default: each particle's diameter). */
  readonly boxSizePx?: number;
}

export interface OutputResult {
  readonly files: readonly string[];
  readonly particles: number;
  readonly micrographs: number;
}

/**
 * Reads the detections of `micrographs` from `runDir`, keeps scores ≥ `threshold`, and writes
 * each requested format under `outDir`. Holds only the selected particles in memory.
 */
export async function writePickOutputs(runDir: string, micrographs: readonly string[], threshold: number, formats: readonly PickOutputFormat[], outDir: string, options: OutputOptions = {}): Promise<OutputResult> {
  const picks: MicrographPicks[] = [];
  for (const m of micrographs) picks.push(selectByScore(await readDetections(detectionsPath(runDir, m)), threshold));
  return writeFormattedPicks(picks, formats, outDir, options);
}

/**
 * Writes picks (original pixels) in each requested format under `outDir`, in the layout of a pick
 * run's outputs (relion/autopick.star, particles.cs, box/, cbox/, particles.txt).
 */
export async function writeFormattedPicks(picks: readonly MicrographPicks[], formats: readonly PickOutputFormat[], outDir: string, options: OutputOptions = {}): Promise<OutputResult> {
  const files: string[] = [];
  for (const f of [...new Set(formats)]) {
    const layout = LAYOUT[f];
    const written = await writeCoordinates(join(outDir, layout.path) + (layout.perMicrograph ? '/' : ''), picks, layout.writer, {
      overwrite: options.overwrite ?? false,
      ...(layout.perMicrograph ? { perMicrograph: true } : {}),
      ...(options.boxSizePx === undefined ? {} : { boxSize: options.boxSizePx }),
    });
    files.push(...written);
  }
  return { files, particles: picks.reduce((n, m) => n + m.particles.length, 0), micrographs: picks.length };
}

/** Removes the formatted outputs of an earlier run in `outDir` (--overwrite): each format's file, and its per-micrograph files. */
export function clearPickOutputs(outDir: string): void {
  for (const l of Object.values(LAYOUT)) {
    if (!l.perMicrograph) rmSync(join(outDir, l.path), { force: true });
  }
  const perMicrograph: [string, RegExp][] = [['box', /\.box$/], ['cbox', /\.cbox$/], ['relion', /\.star$/]];
  for (const [dir, files] of perMicrograph) {
    const d = join(outDir, dir);
    if (existsSync(d)) for (const f of readdirSync(d)) if (files.test(f)) rmSync(join(d, f), { force: true });
  }
}

/** Path of each format's output inside an output folder (for messages). */
export function pickOutputPath(outDir: string, format: PickOutputFormat): string {
  return join(outDir, LAYOUT[format].path);
}

/** Parses a comma-separated format list. @returns the formats, or the unknown names. */
export function parseOutputFormats(text: string): { formats: PickOutputFormat[]; unknown: string[] } {
  const names = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  const known = PICK_OUTPUT_FORMATS as readonly string[];
  return { formats: names.filter((n) => known.includes(n)) as PickOutputFormat[], unknown: names.filter((n) => !known.includes(n)) };
}
