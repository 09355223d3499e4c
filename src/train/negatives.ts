// Explicit negatives for the picker's trainer: negative pick files (background, carbon, ice,
// junk: disks of the negative radius are known non-particle pixels) and micrographs marked empty
// (the viewer's "no particles" mark: every pixel is a known negative). Labels are 1 / 0 / −1.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { describeFsError } from '../io/fs-errors.js';
import { micrographKey, type Particle } from '../io/coords.js';
import { matchMicrographNames } from '../io/micrograph-names.js';
import { labelMask } from './labels.js';

/** Label value of a known negative pixel in a training batch (positives 1, unlabelled 0). */
export const NEGATIVE_LABEL = -1;

/**
 * The names given to --empty-micrographs: micrograph files or names, or `.txt` files listing one
 * name per line (blank lines and lines starting with # skipped).
 */
export function readEmptyNames(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (!/\.txt$/i.test(v)) { out.push(v); continue; }
    let text: string;
    if (!existsSync(v) || !statSync(v).isFile()) {
      throw new ConfigError([{ path: v, message: 'does not exist or is not a file (a .txt value is a list of micrograph names, one a line)' }], 'cannot read --empty-micrographs');
    }
    try {
      text = readFileSync(v, 'utf8');
    } catch (err) {
      throw describeFsError(err, v, '--empty-micrographs: cannot read the list');
    }
    for (const line of text.split(/\r?\n/)) {
      const t = line.trim();
      if (t !== '' && !t.startsWith('#')) out.push(t);
    }
  }
  return out;
}

/**
 * The micrograph paths among `paths` that the empty names denote (the one name-matching rule).
 * @throws ConfigError naming every empty name that matches no micrograph or several, and every
 * micrograph that is marked empty but has positive picks.
 */
export function matchEmptyMicrographs(names: readonly string[], paths: readonly string[],
  positives: ReadonlyMap<string, readonly Particle[]>): Set<string> {
  const keys = [...new Set(names.map(micrographKey))];
  const m = matchMicrographNames(keys, paths);
  const problems: ConfigProblem[] = [];
  for (const k of m.unmatchedCoordinates) problems.push({ path: k, message: 'is marked empty (--empty-micrographs) but matches none of the --micrographs' });
  for (const k of m.ambiguous) problems.push({ path: k, message: 'is marked empty (--empty-micrographs) but matches several micrographs; give the file name' });
  const out = new Set(m.matched.values());
  for (const p of out) {
    const n = positives.get(p)?.length ?? 0;
    if (n > 0) problems.push({ path: basename(p), message: `is marked empty (--empty-micrographs) but has ${n} particle pick(s) in --picks; a micrograph is either empty or picked` });
  }
  if (problems.length > 0) throw new ConfigError(problems, 'cannot use the empty micrographs');
  return out;
}

/**
 * The known-negative mask of one micrograph (1 = known negative): every pixel of an empty
 * micrograph, else disks of `radiusPx` around the negative picks; positive pixels win.
 * Undefined when the micrograph has no negatives.
 */
export function negativeMask(width: number, height: number, negatives: readonly Particle[], radiusPx: number,
  empty: boolean, positive: Uint8Array): Uint8Array | undefined {
  if (!empty && negatives.length === 0) return undefined;
  const mask = empty ? new Uint8Array(width * height).fill(1) : labelMask(width, height, negatives, radiusPx);
  for (let i = 0; i < mask.length; i++) if (positive[i]) mask[i] = 0;
  return mask;
}

/** Number of known-negative pixels (0 without a mask). */
export function countNegative(mask: Uint8Array | undefined): number {
  if (!mask) return 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] as number;
  return n;
}

/** The label of pixel i: 1 labelled positive, −1 known negative, 0 unlabelled. */
export function pixelLabel(positive: Uint8Array, negative: Uint8Array | undefined, i: number): number {
  if (positive[i]) return 1;
  return negative?.[i] ? NEGATIVE_LABEL : 0;
}
