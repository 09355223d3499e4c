// The prepared dataset on disk: per split a compact binary file of fixed-size items in the
// configured dtype, a label byte per item and the item ids, plus manifest.json (version, params,
// input hashes, classes, counts). Written through bounded buffers; read back item by item.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../errors.js';
import { floatToHalf, halfToFloat } from '../io/mrc-float16.js';
import { writeFileAtomic } from '../io/atomic-write.js';

export type StorageDType = 'float16' | 'float32' | 'float64';
export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface DatasetManifest {
  readonly format: 'cryopick-classifier-dataset';
  readonly formatVersion: 1;
  /** Content hash of the inputs and the ETL parameters (first 16 hex digits of SHA-256). */
  readonly version: string;
  readonly kind: 'signal' | 'crops';
  /** [target_length] for signals, [box, box] for crops. */
  readonly itemShape: readonly number[];
  readonly dtype: StorageDType;
  readonly classes: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: readonly { readonly name: string; readonly bytes: number; readonly sha256: string }[];
  /** Items per class in each split. */
  readonly counts: Readonly<Record<SplitName, readonly number[]>>;
  /** Preprocessing a model trained on this dataset must repeat (stored in the model metadata). */
  readonly preprocessing: Readonly<Record<string, unknown>>;
  readonly created: string;
}

const BYTES: Record<StorageDType, number> = { float16: 2, float32: 4, float64: 8 };

/** Appends items of one split to `<split>.bin` through a 1 MB buffer; labels and ids are written on close. */
export class SplitWriter {
  private readonly fd: number;
  private readonly labels: number[] = [];
  private readonly ids: string[] = [];
  private readonly buf: Buffer;
  private used = 0;
  count = 0;
  constructor(private readonly dir: string, private readonly split: SplitName, private readonly dtype: StorageDType, private readonly itemSize: number) {
    this.fd = openSync(join(dir, `${split}.bin`), 'w');
    this.buf = Buffer.alloc(Math.max(1 << 20, itemSize * BYTES[dtype]));
  }

  add(item: Float32Array, label: number, id: string): void {
    const need = this.itemSize * BYTES[this.dtype];
    if (this.used + need > this.buf.length) this.flush();
    const b = this.buf;
    let o = this.used;
    for (let i = 0; i < this.itemSize; i++) {
      const v = item[i] as number;
      if (this.dtype === 'float32') b.writeFloatLE(v, o);
      else if (this.dtype === 'float64') b.writeDoubleLE(v, o);
      else b.writeUInt16LE(floatToHalf(v), o);
      o += BYTES[this.dtype];
    }
    this.used = o;
    this.labels.push(label);
    this.ids.push(id);
    this.count++;
  }

  private flush(): void {
    if (this.used > 0) writeSync(this.fd, this.buf, 0, this.used);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
    writeFileSync(join(this.dir, `${this.split}.labels`), Uint8Array.from(this.labels));
    writeFileSync(join(this.dir, `${this.split}_ids.txt`), this.ids.map((i) => `${i}\n`).join(''));
  }
}

/** What a dataset writer decided: its folder, the items' size and the per-class split sizes. */
export interface DatasetPlan {
  readonly root: string;
  readonly version: string;
  readonly dtype: StorageDType;
  readonly itemSize: number;
  readonly classes: readonly string[];
  /** Per class: items in train, val and test. */
  readonly sizes: readonly (readonly number[])[];
}

/**
 * Writes a dataset all or nothing: `fill` adds the items to the three split writers in a temp
 * folder under `root`; then manifest.json (counts from the plan) is written and the folder is
 * renamed to `root/version`. On any error the temp folder is removed.
 */
export async function publishDataset(plan: DatasetPlan, fill: (writers: readonly SplitWriter[]) => Promise<void>,
  describe: Omit<DatasetManifest, 'version' | 'dtype' | 'classes' | 'counts' | 'format' | 'formatVersion' | 'created'>): Promise<{ dir: string; manifest: DatasetManifest }> {
  mkdirSync(plan.root, { recursive: true });
  const tmp = join(plan.root, `.tmp-${plan.version}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const writers = SPLITS.map((s) => new SplitWriter(tmp, s, plan.dtype, plan.itemSize));
  try {
    await fill(writers);
  } catch (err) {
    for (const w of writers) w.close();
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  for (const w of writers) w.close();
  const counts = Object.fromEntries(SPLITS.map((s, i) => [s, plan.sizes.map((k) => k[i] as number)])) as Record<SplitName, number[]>;
  const manifest: DatasetManifest = {
    format: 'cryopick-classifier-dataset', formatVersion: 1, version: plan.version, dtype: plan.dtype, classes: plan.classes, counts, ...describe,
    created: new Date().toISOString(),
  };
  await writeFileAtomic(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  const out = join(plan.root, plan.version);
  if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  return { dir: out, manifest };
}

/** One split of a stored dataset: labels and ids in memory, items decoded on demand. */
export class DatasetSplit {
  readonly labels: Uint8Array;
  private cache: Float32Array | undefined;
  private readonly fd: number | undefined;
  private readonly itemBytes: number;
  constructor(readonly dir: string, readonly name: SplitName, readonly dtype: StorageDType, readonly itemSize: number, inMemoryLimit = 256 << 20) {
    this.labels = new Uint8Array(readFileSync(join(dir, `${name}.labels`)));
    this.itemBytes = itemSize * BYTES[dtype];
    const path = join(dir, `${name}.bin`);
    const size = statSync(path).size;
    if (size !== this.labels.length * this.itemBytes) {
      throw new FormatError({ path }, `${size} bytes, expected ${this.labels.length} items × ${this.itemBytes} bytes; the dataset is damaged, rebuild it (use_remote_dataset_version "")`);
    }
    if (this.labels.length * itemSize * 4 <= inMemoryLimit) this.cache = decode(readFileSync(path), dtype, this.labels.length * itemSize);
    else this.fd = openSync(path, 'r');
  }

  get count(): number {
    return this.labels.length;
  }

  /** Copies item `index` (as float32) into out at offset. */
  read(index: number, out: Float32Array, offset = 0): void {
    if (this.cache) {
      out.set(this.cache.subarray(index * this.itemSize, (index + 1) * this.itemSize), offset);
      return;
    }
    const buf = Buffer.alloc(this.itemBytes);
    readSync(this.fd as number, buf, 0, this.itemBytes, index * this.itemBytes);
    out.set(decode(buf, this.dtype, this.itemSize), offset);
  }

  ids(): string[] {
    const text = readFileSync(join(this.dir, `${this.name}_ids.txt`), 'utf8');
    return text.length === 0 ? [] : text.slice(0, -1).split('\n');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.cache = undefined;
  }
}

function decode(buf: Buffer, dtype: StorageDType, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = dtype === 'float32' ? buf.readFloatLE(i * 4) : dtype === 'float64' ? buf.readDoubleLE(i * 8) : halfToFloat(buf.readUInt16LE(i * 2));
  }
  return out;
}

/** Reads and checks manifest.json of a dataset folder. */
export function readDatasetManifest(dir: string): DatasetManifest {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new FormatError({ path }, 'no dataset manifest here; build the dataset with use_remote_dataset_version ""');
  let m: Partial<DatasetManifest>;
  try { m = JSON.parse(readFileSync(path, 'utf8')) as Partial<DatasetManifest>; } catch (e) { throw new FormatError({ path }, `not valid JSON (${(e as Error).message})`); }
  if (m.format !== 'cryopick-classifier-dataset' || m.formatVersion !== 1) throw new FormatError({ path }, 'not a cryopick classifier dataset manifest (format cryopick-classifier-dataset, version 1)');
  return m as DatasetManifest;
}

/** Opens the three splits of a dataset folder. */
export function openDataset(dir: string): { manifest: DatasetManifest; splits: Record<SplitName, DatasetSplit> } {
  const manifest = readDatasetManifest(dir);
  const size = manifest.itemShape.reduce((a, v) => a * v, 1);
  const splits = Object.fromEntries(SPLITS.map((s) => [s, new DatasetSplit(dir, s, manifest.dtype, size)])) as Record<SplitName, DatasetSplit>;
  return { manifest, splits };
}
