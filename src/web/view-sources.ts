// What `cryopick view` opens: a pick run (detections with scores), plain coordinate files of any
// format cryopick reads, or a training run (the user's labels beside the model's picks), each
// with the micrograph files they belong to, turned into a ViewSession's initial data.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ConfigError, UserError } from '../errors.js';
import { micrographKey, toFrame, ORIGINAL_FRAME, type MicrographPicks, type Particle } from '../io/coords.js';
import { readCoordinates } from '../io/coordinate-formats.js';
import { matchMicrographNames } from '../io/micrograph-names.js';
import { readManifest } from '../pick/pick-run.js';
import { detectionsPath, readDetections } from '../pick/detections.js';
import { runDefaultThreshold } from '../pick/auto-threshold.js';
import { readSavedThreshold } from '../pick/saved-threshold.js';
import type { ViewMicrograph, ViewSessionInit } from './view-session.js';

export interface CoordinateInput {
  readonly paths: readonly string[];
  /** Pixels of the original micrograph per pixel of the files' coordinates. */
  readonly binning: number;
}

export interface ViewSource {
  readonly init: ViewSessionInit;
  /** The pick run the threshold is saved with, when viewing one. */
  readonly pickRun?: string;
  /** Where saving writes by default (undefined: --out is needed). */
  readonly defaultOutDir?: string;
  /** Things the user should know (unmatched names, ...). */
  readonly messages: readonly string[];
}

/** Reads coordinate files into picks by name, in original pixels. */
async function readPickFiles(input: CoordinateInput): Promise<MicrographPicks[]> {
  const out: MicrographPicks[] = [];
  for (const p of input.paths) {
    for (const m of await readCoordinates(p, { frame: { binning: input.binning, yFlipped: false } })) out.push(toFrame(m, ORIGINAL_FRAME));
  }
  return out;
}

/**
 * Assigns picks to the session's micrographs by name (robust to folders, extensions and picker
 * suffixes); returns picks by micrograph key and a message naming the sets that matched nothing.
 */
function assign(picks: readonly MicrographPicks[], micrographs: readonly ViewMicrograph[], what: string, messages: string[]): Map<string, Particle[]> {
  const match = matchMicrographNames([...new Set(picks.map((p) => p.micrograph))], micrographs.map((m) => m.name));
  const keyOfName = new Map(micrographs.map((m) => [m.name, m.key]));
  const out = new Map<string, Particle[]>();
  for (const p of picks) {
    const name = match.matched.get(p.micrograph);
    const key = name === undefined ? undefined : keyOfName.get(name);
    if (key === undefined) continue;
    out.set(key, [...(out.get(key) ?? []), ...p.particles]);
  }
  const lost = match.unmatchedCoordinates.length + match.ambiguous.length;
  if (lost > 0) messages.push(`${lost} ${what} set(s) match no micrograph and are not shown: ${[...match.unmatchedCoordinates, ...match.ambiguous].slice(0, 6).join(', ')}`);
  return out;
}

function micrographsFromFiles(files: readonly string[]): ViewMicrograph[] {
  return files.map((path) => ({ name: basename(path), key: micrographKey(path), path }));
}

/** A pick run: every stored detection, at the run's saved (else default) threshold. */
export async function pickRunSource(runDir: string, files: readonly string[], references: CoordinateInput | undefined, diameterPx?: number): Promise<ViewSource> {
  const manifest = await readManifest(runDir);
  const given = new Map(files.map((f) => [micrographKey(f), f]));
  const micrographs: ViewMicrograph[] = [];
  const picks = new Map<string, Particle[]>();
  for (const m of manifest.micrographs) {
    const d = await readDetections(detectionsPath(runDir, m));
    const key = micrographKey(m);
    const path = given.get(key) ?? (existsSync(m) ? m : undefined);
    micrographs.push({ name: basename(m), key, width: d.width, height: d.height, ...(path === undefined ? {} : { path }) });
    picks.set(key, d.particles.slice());
  }
  const messages: string[] = [];
  const missing = micrographs.filter((m) => m.path === undefined).length;
  if (missing > 0) messages.push(`${missing} micrograph file(s) of the run were not found; give them as arguments (matched by name)`);
  const saved = await readSavedThreshold(runDir);
  const threshold = saved?.threshold ?? (await runDefaultThreshold(runDir, manifest));
  const refs = references ? assign(await readPickFiles(references), micrographs, 'reference', messages) : undefined;
  const diameter = diameterPx ?? manifest.diameterPx ?? undefined;
  return {
    init: { micrographs, picks, threshold, title: `pick run ${runDir}`, ...(refs ? { references: refs, referenceKind: 'truth' as const } : {}), ...(diameter === undefined ? {} : { diameterPx: diameter }) },
    pickRun: runDir, defaultOutDir: join(runDir, 'curated'), messages,
  };
}

/** Plain coordinate files of any format, on the given micrographs. */
export async function coordinateSource(files: readonly string[], picks: CoordinateInput, references: CoordinateInput | undefined, diameterPx?: number): Promise<ViewSource> {
  if (files.length === 0) throw new ConfigError([{ path: 'micrographs', message: 'give the micrograph files the picks belong to' }]);
  const micrographs = micrographsFromFiles(files);
  const messages: string[] = [];
  const byKey = assign(await readPickFiles(picks), micrographs, 'coordinate', messages);
  if (byKey.size === 0) throw new ConfigError([{ path: 'picks', message: `no coordinate set matches a micrograph name (micrographs: ${micrographs.slice(0, 4).map((m) => m.name).join(', ')})` }]);
  const refs = references ? assign(await readPickFiles(references), micrographs, 'reference', messages) : undefined;
  const sizes = [...byKey.values()].flat().map((p) => p.diameter).filter((d): d is number => d !== undefined);
  const diameter = diameterPx ?? (sizes.length > 0 ? median(sizes) : undefined);
  return {
    init: { micrographs, picks: byKey, threshold: Number.NEGATIVE_INFINITY, title: `picks ${picks.paths.join(', ')}`, ...(refs ? { references: refs, referenceKind: 'truth' as const } : {}), ...(diameter === undefined ? {} : { diameterPx: diameter }) },
    messages,
  };
}

interface TrainSummaryFields {
  readonly model?: string;
  readonly params?: { readonly micrographs?: string[]; readonly picks?: string[]; readonly picksBinning?: number; readonly particleDiameter?: number };
}

/** What a training run needs to be viewed: its micrographs, label files and model. */
export interface TrainRunInputs {
  readonly micrographs: readonly string[];
  readonly labels: CoordinateInput;
  readonly model: string;
  readonly diameterPx?: number;
}

/** Reads a training run's summary.json. @throws UserError when it is not a finished training run. */
export async function readTrainRunInputs(runDir: string): Promise<TrainRunInputs> {
  const path = join(runDir, 'summary.json');
  if (!existsSync(path)) throw new UserError('ENOENT', `${runDir} is not a cryopick training run (no summary.json)`);
  const s = JSON.parse(await readFile(path, 'utf8')) as TrainSummaryFields;
  const p = s.params;
  if (!p?.micrographs || !p.picks) throw new UserError('EFORMAT', `${path}: no params.micrographs / params.picks (written by an older cryopick?)`);
  const model = [s.model, join(runDir, 'model.onnx')].find((m): m is string => m !== undefined && existsSync(m));
  if (model === undefined) throw new UserError('ENOENT', `${runDir}: the trained model (model.onnx) is missing`);
  return {
    micrographs: p.micrographs, labels: { paths: p.picks, binning: p.picksBinning ?? 1 }, model,
    ...(p.particleDiameter === undefined ? {} : { diameterPx: p.particleDiameter }),
  };
}

/** A training run: the model's picks (a pick run made by the caller) with the user's labels as references. */
export async function trainRunSource(runDir: string, picksRun: string, labels: CoordinateInput, files: readonly string[]): Promise<ViewSource> {
  const source = await pickRunSource(picksRun, files, labels);
  return { ...source, init: { ...source.init, title: `training run ${runDir}`, referenceKind: 'labels' } };
}

function median(values: readonly number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
