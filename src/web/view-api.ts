// The viewer's JSON/PNG API over a ViewSession: the session summary (names, marks, scores and
// sizes for live counts and the histogram), one micrograph's picks and references, edits, marks,
// the filter, true/false-positive classes, display images and thumbnails, and saving.
import { UserError } from '../errors.js';
import type { Particle } from '../io/coords.js';
import { matchParticles } from '../eval/match.js';
import { PICK_OUTPUT_FORMATS, type PickOutputFormat } from '../pick/outputs.js';
import { DEFAULT_DISPLAY, type DisplayImages, type DisplaySettings } from './display-images.js';
import { MICROGRAPH_MARKS, passes, sizeOf, type MicrographMark, type PickFilter, type ViewSession } from './view-session.js';
import { saveSession, type SaveOptions, type SaveResult } from './view-save.js';

export type ApiReply =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'png'; readonly body: Buffer; readonly headers: Readonly<Record<string, string>> };

export interface ApiContext {
  readonly session: ViewSession;
  readonly images: DisplayImages;
  /** Saving (formats default; undefined outDir: saving is refused with a message). */
  readonly save: Omit<SaveOptions, 'outDir' | 'formats'> & { readonly outDir?: string; readonly formats: readonly PickOutputFormat[] };
}

/** A request the API cannot serve, answered with its status and message. */
export class ApiError extends UserError {
  readonly status: number;
  constructor(status: number, message: string) {
    super('EAPI', message);
    this.status = status;
  }
}

const json = (body: unknown, status = 200): ApiReply => ({ kind: 'json', status, body });
const round = (v: number): number => Math.round(v * 1e4) / 1e4;

function micrographSummary(s: ViewSession, i: number): unknown {
  const m = s.micrograph(i);
  const picks = s.picksOf(i);
  return {
    name: m.name, mark: s.markOf(i), edited: s.isEdited(i), hasImage: m.path !== undefined,
    width: m.width ?? null, height: m.height ?? null,
    scores: picks.map((p) => (p.score === undefined ? null : round(p.score))),
    sizes: s.hasSizes ? picks.map((p) => { const size = sizeOf(p); return size === undefined ? null : round(size); }) : null,
    referenceCount: s.referencesOf(i)?.length ?? null,
  };
}

function filterJson(f: PickFilter): unknown {
  return { threshold: Number.isFinite(f.threshold) ? f.threshold : null, minSize: f.minSize ?? null, maxSize: f.maxSize ?? null };
}

function sessionSummary(c: ApiContext): unknown {
  const s = c.session;
  return {
    title: s.title, hasScores: s.hasScores, hasSizes: s.hasSizes, referenceKind: s.referenceKind ?? null,
    diameterPx: s.diameterPx ?? null, filter: filterJson(s.filter), dirty: s.dirty,
    outDir: c.save.outDir ?? null, formats: c.save.formats, allFormats: PICK_OUTPUT_FORMATS, display: s.display,
    micrographs: s.micrographs.map((_, i) => micrographSummary(s, i)),
  };
}

function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ApiError(400, `${what}: expected a number, found ${JSON.stringify(v)}`);
  return v;
}

function optionalNum(v: unknown, what: string): number | undefined {
  return v === null || v === undefined ? undefined : num(v, what);
}

function parseParticles(body: unknown): Particle[] {
  const list = (body as { particles?: unknown } | null)?.particles;
  if (!Array.isArray(list)) throw new ApiError(400, 'expected {"particles": [{"x": .., "y": ..}, ...]}');
  return list.map((p: Record<string, unknown>, k) => {
    const score = optionalNum(p['score'], `particles[${k}].score`);
    const diameter = optionalNum(p['diameter'], `particles[${k}].diameter`);
    const width = optionalNum(p['width'], `particles[${k}].width`);
    const height = optionalNum(p['height'], `particles[${k}].height`);
    return {
      x: num(p['x'], `particles[${k}].x`), y: num(p['y'], `particles[${k}].y`), ...(score === undefined ? {} : { score }),
      ...(diameter === undefined ? {} : { diameter }), ...(width === undefined ? {} : { width }), ...(height === undefined ? {} : { height }),
    };
  });
}

function parseFilter(body: Record<string, unknown>, hasScores: boolean): PickFilter {
  const t = optionalNum(body['threshold'], 'threshold');
  const minSize = optionalNum(body['minSize'], 'minSize');
  const maxSize = optionalNum(body['maxSize'], 'maxSize');
  return { threshold: hasScores && t !== undefined ? t : Number.NEGATIVE_INFINITY, ...(minSize === undefined ? {} : { minSize }), ...(maxSize === undefined ? {} : { maxSize }) };
}

function queryFilter(q: URLSearchParams, s: ViewSession): PickFilter {
  const get = (k: string): number | undefined => (q.get(k) === null || q.get(k) === '' ? undefined : num(Number(q.get(k)), k));
  return parseFilter({ threshold: get('threshold'), minSize: get('minSize'), maxSize: get('maxSize') }, s.hasScores);
}

function checkedDisplay(s: DisplaySettings): DisplaySettings {
  if (s.lowpassPx < 0 || !(s.lowPercentile >= 0 && s.lowPercentile < s.highPercentile && s.highPercentile <= 100)) {
    throw new ApiError(400, 'expected lowpass >= 0 and 0 <= lo < hi <= 100');
  }
  return s;
}

function displaySettings(q: URLSearchParams): DisplaySettings {
  const get = (k: string, d: number): number => (q.get(k) === null ? d : num(Number(q.get(k)), k));
  return checkedDisplay({ lowpassPx: get('lowpass', DEFAULT_DISPLAY.lowpassPx), lowPercentile: get('lo', DEFAULT_DISPLAY.lowPercentile), highPercentile: get('hi', DEFAULT_DISPLAY.highPercentile) });
}

/** Classes of the kept picks against the references: tp/fp per pick, matched per reference. */
function classify(s: ViewSession, i: number, filter: PickFilter): unknown {
  const refs = s.referencesOf(i);
  const all = s.picksOf(i);
  const keptIndex = all.map((p, k) => (s.markOf(i) === 'ok' && passes(p, filter) ? k : -1)).filter((k) => k >= 0);
  if (refs === undefined || s.diameterPx === undefined) return { picks: null, references: null };
  const kept = keptIndex.map((k) => all[k] as Particle);
  const r = matchParticles(kept, refs, { criterion: { kind: 'distance', radiusPx: 0.25 * s.diameterPx }, method: 'hungarian', boxSizePx: s.diameterPx });
  const picks: (string | null)[] = all.map(() => null);
  keptIndex.forEach((k, j) => { picks[k] = (r.predToRef[j] as number) >= 0 ? 'tp' : 'fp'; });
  return { picks, references: Array.from(r.refToPred, (v) => v >= 0) };
}

function png(r: { png: Buffer; width: number; height: number; scaleX: number; scaleY: number; offset: number; pixelSizeA?: number }, width: number, height: number): ApiReply {
  return {
    kind: 'png', body: r.png,
    headers: {
      'x-scale-x': String(r.scaleX), 'x-scale-y': String(r.scaleY), 'x-offset': String(r.offset),
      'x-original-width': String(width), 'x-original-height': String(height),
      ...(r.pixelSizeA === undefined ? {} : { 'x-pixel-size': String(r.pixelSizeA) }),
    },
  };
}

/**
 * Answers one API request (`path` after /api/). Unknown routes are 404; bad input is an
 * ApiError (400) with a message for the user.
 */
export async function handleApi(c: ApiContext, method: string, path: string, query: URLSearchParams, body: unknown): Promise<ApiReply> {
  const s = c.session;
  const parts = path.split('/');
  if (method === 'GET' && path === 'session') return json(sessionSummary(c));
  if (method === 'PUT' && path === 'filter') {
    s.setFilter(parseFilter((body ?? {}) as Record<string, unknown>, s.hasScores));
    return json({ filter: filterJson(s.filter) });
  }
  if (method === 'POST' && path === 'save') return json(await save(c, body));
  if (parts[0] !== 'micrographs' || parts.length < 2 || !/^\d+$/.test(parts[1] as string)) return json({ error: `no such API route: ${path}` }, 404);
  const i = Number(parts[1]);
  if (i >= s.micrographs.length) return json({ error: `no micrograph ${i}` }, 404);
  const m = s.micrograph(i);
  const route = `${method} ${parts.slice(2).join('/')}`;
  switch (route) {
    case 'GET ':
      return json({ ...(micrographSummary(s, i) as object), picks: s.picksOf(i), references: s.referencesOf(i) ?? null });
    case 'PUT picks':
      s.setPicks(i, parseParticles(body));
      return json(micrographSummary(s, i));
    case 'PUT mark': {
      const mark = (body as { mark?: unknown } | null)?.mark;
      if (!MICROGRAPH_MARKS.includes(mark as MicrographMark)) throw new ApiError(400, `mark: expected one of ${MICROGRAPH_MARKS.join(', ')}, found ${JSON.stringify(mark)}`);
      s.setMark(i, mark as MicrographMark);
      return json(micrographSummary(s, i));
    }
    case 'GET classes':
      return json(classify(s, i, queryFilter(query, s)));
    case 'GET image':
    case 'GET thumb': {
      if (m.path === undefined) return json({ error: `the image of ${m.name} was not given` }, 404);
      const r = route === 'GET image' ? await c.images.display(m.path, displaySettings(query)) : await c.images.thumbnail(m.path);
      m.width ??= r.originalWidth;
      m.height ??= r.originalHeight;
      return png(r, r.originalWidth, r.originalHeight);
    }
    default:
      return json({ error: `no such API route: ${method} ${path}` }, 404);
  }
}

async function save(c: ApiContext, body: unknown): Promise<SaveResult> {
  const outDir = c.save.outDir;
  if (outDir === undefined) throw new ApiError(400, 'no output folder: start cryopick view with --out DIR to save');
  const asked = (body as { formats?: unknown } | null)?.formats;
  let formats = c.save.formats;
  if (asked !== undefined) {
    if (!Array.isArray(asked) || asked.length === 0 || asked.some((f) => !(PICK_OUTPUT_FORMATS as readonly unknown[]).includes(f))) {
      throw new ApiError(400, `formats: expected a non-empty list of ${PICK_OUTPUT_FORMATS.join(', ')}`);
    }
    formats = asked as PickOutputFormat[];
  }
  const display = (body as { display?: Record<string, unknown> } | null)?.display;
  if (display !== undefined) {
    c.session.display = checkedDisplay({ lowpassPx: num(display['lowpassPx'], 'display.lowpassPx'), lowPercentile: num(display['lowPercentile'], 'display.lowPercentile'), highPercentile: num(display['highPercentile'], 'display.highPercentile') });
  }
  return saveSession(c.session, { ...c.save, outDir, formats });
}
