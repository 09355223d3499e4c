// Content-hash dataset manifest: every micrograph and pick file a run used, with its SHA-256,
// and the splits (train/test/folds) by micrograph, so a run can say exactly what it saw.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

export interface ManifestFile {
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface DatasetManifest {
  readonly format: 'cryopick-dataset-manifest';
  readonly version: 1;
  /** SHA-256 over the sorted (name, sha256) of every file and the splits: the dataset version. */
  readonly id: string;
  readonly micrographs: readonly ManifestFile[];
  readonly picks: readonly ManifestFile[];
  /** Micrograph names per split, e.g. {train: [...], test: [...], fold1: [...]}. */
  readonly splits: Readonly<Record<string, readonly string[]>>;
  /** Pick counts per micrograph name when the caller knows them. */
  readonly pickCounts?: Readonly<Record<string, number>>;
}

/** SHA-256 (hex) of a file, streamed. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Files as given; folders replaced by the files directly inside them; sorted. */
function expandFolders(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) out.push(...readdirSync(p).map((n) => join(p, n)).filter((f) => statSync(f).isFile()));
    else out.push(p);
  }
  return out.sort();
}

async function describe(path: string): Promise<ManifestFile> {
  const s = await stat(path);
  return { path, name: basename(path), bytes: s.size, sha256: await hashFile(path) };
}

/** Hashes every file and builds the manifest; the id changes iff content or splits change (not paths). */
export async function buildDatasetManifest(input: {
  readonly micrographs: readonly string[];
  readonly picks: readonly string[];
  readonly splits?: Readonly<Record<string, readonly string[]>>;
  readonly pickCounts?: Readonly<Record<string, number>>;
}): Promise<DatasetManifest> {
  const micrographs: ManifestFile[] = [];
  for (const m of expandFolders(input.micrographs)) micrographs.push(await describe(m));
  const picks: ManifestFile[] = [];
  for (const p of expandFolders(input.picks)) picks.push(await describe(p));
  const splits = Object.fromEntries(Object.entries(input.splits ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));
  const h = createHash('sha256');
  for (const f of micrographs) h.update(`m ${f.name} ${f.sha256}\n`);
  for (const f of picks) h.update(`p ${f.name} ${f.sha256}\n`);
  for (const [k, v] of Object.entries(splits)) h.update(`s ${k} ${v.join(',')}\n`);
  return {
    format: 'cryopick-dataset-manifest', version: 1, id: h.digest('hex'), micrographs, picks, splits,
    ...(input.pickCounts ? { pickCounts: input.pickCounts } : {}),
  };
}
