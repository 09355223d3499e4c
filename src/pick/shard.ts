// Deterministic 1/N shards of a micrograph list (`--shard K/N`): a micrograph belongs to shard
// 1 + (first 4 bytes of SHA-256 of its name key) mod N, so adding micrographs never moves others.
import { createHash } from 'node:crypto';
import { micrographKey } from '../io/coords.js';
import { UsageError } from '../errors.js';

/** Shard K of N (1-based K). */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** Parses `K/N` with 1 ≤ K ≤ N. @throws UsageError naming the flag otherwise. */
export function parseShard(text: string, flag = '--shard'): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !(count >= 1) || !(index >= 1 && index <= count)) {
    throw new UsageError(`${flag}: expected K/N with 1 <= K <= N (e.g. 2/4), got '${text}'`);
  }
  return { index, count };
}

/** `K/N`, as shown in messages. */
export function shardLabel(s: ShardSpec): string {
  return `${s.index}/${s.count}`;
}

/**
 * The 1-based shard a micrograph falls in: by a hash of its name key (file name without folder
 * and extension), not its position, so the assignment is stable when micrographs are added.
 */
export function shardOf(micrograph: string, count: number): number {
  const digest = createHash('sha256').update(micrographKey(micrograph)).digest();
  return 1 + (digest.readUInt32BE(0) % count);
}

/** The positions (into `paths`) of the micrographs of shard `s`, in input order. */
export function shardPositions(paths: readonly string[], s: ShardSpec): number[] {
  const out: number[] = [];
  paths.forEach((p, i) => {
    if (shardOf(p, s.count) === s.index) out.push(i);
  });
  return out;
}
