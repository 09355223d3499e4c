// Merging the shard runs of `pick --shard K/N` into one pick run: checks that every shard is
// present, finished and picked with the same settings (the check resume uses) and the same model
// file contents (SHA-256), then writes the detection store and manifest exactly as a
// single-process run over the same inputs would.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, UserError, type ConfigProblem } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { detectionsPath } from './detections.js';
import { MANIFEST_NAME, readManifest, settingsDifferences, type PickManifest } from './pick-run.js';

export interface MergeOptions {
  /** Replace an earlier pick run in the output folder. */
  readonly overwrite?: boolean;
}

export interface MergeResult {
  readonly manifest: PickManifest;
  readonly shards: number;
}

interface Shard {
  readonly dir: string;
  readonly manifest: PickManifest;
}

async function readShards(dirs: readonly string[]): Promise<Shard[]> {
  const shards: Shard[] = [];
  const problems: ConfigProblem[] = [];
  for (const dir of dirs) {
    const manifest = await readManifest(dir);
    if (manifest.shard === undefined) problems.push({ path: dir, message: 'is a whole pick run, not a shard (picked without --shard)' });
    else shards.push({ dir, manifest });
  }
  if (problems.length > 0) throw new ConfigError(problems, 'cannot merge');
  return shards;
}

/** Same shard count, same input list length, same settings, no shard twice. */
function checkCompatible(shards: readonly Shard[]): void {
  const first = shards[0] as Shard;
  const s0 = first.manifest.shard!;
  const problems: ConfigProblem[] = [];
  const seen = new Map<number, string>();
  for (const { dir, manifest } of shards) {
    const s = manifest.shard!;
    if (s.count !== s0.count || s.inputs !== s0.inputs) {
      problems.push({ path: dir, message: `is shard ${s.index}/${s.count} of ${s.inputs} micrographs, but ${first.dir} is shard ${s0.index}/${s0.count} of ${s0.inputs}` });
    }
    // the model's contents are compared below, over all shards at once
    for (const d of settingsDifferences(first.manifest, manifest).filter((p) => p.path !== 'model')) problems.push({ path: `${dir}: ${d.path}`, message: `${d.message} (compared with ${first.dir})` });
    const other = seen.get(s.index);
    if (other !== undefined) problems.push({ path: dir, message: `is shard ${s.index}/${s.count} again (also ${other})` });
    seen.set(s.index, dir);
  }
  problems.push(...modelProblems(shards));
  if (problems.length > 0) throw new ConfigError(problems, 'cannot merge shards of different runs or settings');
}

const shardName = (s: Shard): string => `shard ${s.manifest.shard!.index}/${s.manifest.shard!.count} (${s.dir})`;

/**
 * Every shard must record the SHA-256 of its model file and all must be the same: the same model
 * path may hold another model (re-trained in place between shard jobs), and picks of two models
 * must never be mixed in one run.
 */
function modelProblems(shards: readonly Shard[]): ConfigProblem[] {
  const byModel = new Map<string, Shard[]>();
  const unknown: Shard[] = [];
  for (const s of shards) {
    const sha = s.manifest.modelSha256;
    if (sha === undefined) unknown.push(s);
    else byModel.set(sha, [...(byModel.get(sha) ?? []), s]);
  }
  const problems: ConfigProblem[] = [];
  if (byModel.size > 1) {
    const groups = [...byModel].map(([sha, list]) => `SHA-256 ${sha.slice(0, 12)}… (${list[0]!.manifest.modelId}) in ${list.map(shardName).join(', ')}`);
    problems.push({ path: 'model', message: `the shards were picked with ${byModel.size} different model files: ${groups.join('; ')}. Pick every shard with the same model (re-pick the odd ones into new folders)` });
  }
  if (unknown.length > 0 && byModel.size > 0) {
    problems.push({ path: 'model', message: `${unknown.map(shardName).join(', ')} recorded no model SHA-256 (picked by an earlier cryopick), so they cannot be shown to use the same model as the others; pick them again into new folders` });
  }
  return problems;
}

/** Missing shard numbers and shards with micrographs not yet picked, all in one error. */
function checkComplete(shards: readonly Shard[]): void {
  const count = shards[0]!.manifest.shard!.count;
  const present = new Set(shards.map((s) => s.manifest.shard!.index));
  const problems: ConfigProblem[] = [];
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !present.has(k));
  if (missing.length > 0) problems.push({ path: '', message: `missing shard(s) ${missing.map((k) => `${k}/${count}`).join(', ')} (pick them with --shard K/${count}, then merge all ${count})` });
  for (const { dir, manifest } of shards) {
    const left = manifest.micrographs.filter((m) => !existsSync(detectionsPath(dir, m))).length;
    if (left > 0) problems.push({ path: dir, message: `shard ${manifest.shard!.index}/${count} is incomplete: ${left} of ${manifest.micrographs.length} micrographs not picked (rerun it with --resume)` });
  }
  if (problems.length > 0) throw new ConfigError(problems, `cannot merge: ${problems.length} shard problem(s)`);
}

/** The whole input list in its original order, from each shard's positions. */
function mergedInputs(shards: readonly Shard[]): string[] {
  const total = shards[0]!.manifest.shard!.inputs;
  const out: (string | undefined)[] = new Array(total).fill(undefined);
  const problems: ConfigProblem[] = [];
  for (const { dir, manifest } of shards) {
    const { positions } = manifest.shard!;
    if (positions.length !== manifest.micrographs.length) problems.push({ path: join(dir, MANIFEST_NAME), message: 'shard positions and micrographs differ in length' });
    positions.forEach((p, i) => {
      if (!(Number.isInteger(p) && p >= 0 && p < total) || out[p] !== undefined) problems.push({ path: dir, message: `micrograph position ${p} is out of range or taken by another shard` });
      else out[p] = manifest.micrographs[i];
    });
  }
  const gaps = out.filter((m) => m === undefined).length;
  if (gaps > 0) problems.push({ path: '', message: `${gaps} of ${total} input positions are covered by no shard: the shards were picked from different input lists` });
  if (problems.length > 0) throw new ConfigError(problems, 'cannot merge');
  return out as string[];
}

/**
 * Merges shard folders into `outDir`: copies each micrograph's detection file and writes the
 * manifest of the whole input list (last, so a manifest marks a complete merge).
 * @throws ConfigError listing every incompatible, missing or incomplete shard; UserError when
 * `outDir` already holds a run and `overwrite` is not set.
 */
export async function mergeShards(dirs: readonly string[], outDir: string, options: MergeOptions = {}): Promise<MergeResult> {
  if (dirs.length === 0) throw new UserError('EUSAGE', 'no shard folders given');
  const shards = await readShards(dirs);
  checkCompatible(shards);
  checkComplete(shards);
  const micrographs = mergedInputs(shards);
  if (existsSync(join(outDir, MANIFEST_NAME)) && !options.overwrite) {
    throw new UserError('EEXIST', `${outDir} already holds a pick run; pass --overwrite to replace it with the merge`);
  }
  const owner = new Map<string, string>();
  for (const s of shards) for (const m of s.manifest.micrographs) owner.set(m, s.dir);
  for (const m of micrographs) {
    await writeFileAtomic(detectionsPath(outDir, m), await readFile(detectionsPath(owner.get(m) as string, m)), { overwrite: true });
  }
  const { shard: _shard, ...settings } = shards[0]!.manifest;
  const manifest: PickManifest = { ...settings, micrographs };
  await writeFileAtomic(join(outDir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`, { overwrite: true });
  return { manifest, shards: shards.length };
}
