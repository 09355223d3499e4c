// `view-state.json`: the edits of a `cryopick view` session (filter, micrograph marks, edited pick
// lists in original pixels, with their scores so they can be re-thresholded, and the display's
// lowpass and contrast), written on save and read back when the viewer is started again on the same output folder.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FormatError } from '../errors.js';
import type { Particle } from '../io/coords.js';
import { MICROGRAPH_MARKS, type MicrographMark, type PickFilter, type ViewEdits } from './view-session.js';

export const VIEW_STATE_NAME = 'view-state.json';

const particle = z.object({ x: z.number(), y: z.number(), score: z.number().optional(), diameter: z.number().optional(), width: z.number().optional(), height: z.number().optional() });
const schema = z.object({
  kind: z.literal('cryopick-view-state'),
  version: z.literal(1),
  // null: no threshold (picks without scores); JSON has no -Infinity
  threshold: z.number().nullable(),
  minSize: z.number().optional(),
  maxSize: z.number().optional(),
  marks: z.record(z.string(), z.enum(MICROGRAPH_MARKS as [MicrographMark, ...MicrographMark[]])),
  edited: z.record(z.string(), z.array(particle)),
  display: z.object({ lowpassPx: z.number().min(0), lowPercentile: z.number().min(0).max(100), highPercentile: z.number().min(0).max(100) })
    .refine((d) => d.lowPercentile < d.highPercentile, 'lowPercentile must be below highPercentile').optional(),
});

/** The state file's text for the given edits. */
export function formatViewState(edits: ViewEdits): string {
  const f = edits.filter;
  const state = {
    kind: 'cryopick-view-state', version: 1,
    threshold: Number.isFinite(f.threshold) ? f.threshold : null,
    ...(f.minSize === undefined ? {} : { minSize: f.minSize }),
    ...(f.maxSize === undefined ? {} : { maxSize: f.maxSize }),
    marks: Object.fromEntries(edits.marks),
    edited: Object.fromEntries(edits.edited),
    ...(edits.display === undefined ? {} : { display: edits.display }),
  };
  return `${JSON.stringify(state, null, 1)}\n`;
}

/**
 * Parses a state file.
 * @throws FormatError naming the first problem.
 */
export function parseViewState(text: string, path: string): ViewEdits {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FormatError({ path }, `expected JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FormatError({ path }, `not a cryopick view state: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'invalid'}`);
  }
  const s = parsed.data;
  const filter: PickFilter = {
    threshold: s.threshold ?? Number.NEGATIVE_INFINITY,
    ...(s.minSize === undefined ? {} : { minSize: s.minSize }),
    ...(s.maxSize === undefined ? {} : { maxSize: s.maxSize }),
  };
  const edited = new Map<string, Particle[]>(Object.entries(s.edited).map(([k, ps]) => [k, ps.map((p) => ({
    x: p.x, y: p.y, ...(p.score === undefined ? {} : { score: p.score }), ...(p.diameter === undefined ? {} : { diameter: p.diameter }),
    ...(p.width === undefined ? {} : { width: p.width }), ...(p.height === undefined ? {} : { height: p.height }),
  }))]));
  return { filter, marks: new Map(Object.entries(s.marks)), edited, ...(s.display === undefined ? {} : { display: s.display }) };
}

/** Reads `<outDir>/view-state.json`, or undefined when there is none. */
export async function readViewState(outDir: string): Promise<ViewEdits | undefined> {
  const path = join(outDir, VIEW_STATE_NAME);
  if (!existsSync(path)) return undefined;
  return parseViewState(await readFile(path, 'utf8'), path);
}
