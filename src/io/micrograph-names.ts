// Robust matching of micrograph names between coordinate files and micrograph files: with or
// without folders and extensions, case-insensitive, tolerating picker suffixes such as
// `_autopick` or `_frames_sum`, and reporting every name that matched nothing.
import { micrographKey } from './coords.js';

/** Suffixes pickers add to coordinate file names (RELION, crYOLO, Topaz, cryoSPARC). */
const PICK_SUFFIXES = /(_(autopick|manualpick|manual_pick|pick|picks|coords|coordinates|particles|cryolo|topaz))+$/;
const SEPARATORS = ['_', '-', '.'];

/** The result of matching coordinate names against micrograph names. */
export interface NameMatch {
  /** Coordinate name → micrograph name, for every coordinate name that matched one micrograph. */
  readonly matched: ReadonlyMap<string, string>;
  /** Coordinate names with no micrograph. */
  readonly unmatchedCoordinates: readonly string[];
  /** Micrograph names no coordinate name matched. */
  readonly unmatchedMicrographs: readonly string[];
  /** Coordinate names that matched several micrographs equally well. */
  readonly ambiguous: readonly string[];
}

/** Key for matching: no folders, no known extensions, lower case, no picker suffix. */
export function matchKey(name: string): string {
  const k = micrographKey(name);
  const stripped = k.replace(PICK_SUFFIXES, '');
  return stripped === '' ? k : stripped;
}

function prefixScore(a: string, b: string): number {
  // b extends a by a separated suffix (e.g. "mic01" vs "mic01_frames_sum"): score = a's length.
  if (b.length > a.length && b.startsWith(a) && SEPARATORS.includes(b[a.length] as string)) return a.length;
  return 0;
}

/**
 * Matches each coordinate name to at most one micrograph: first by equal keys, then by the
 * longest key that extends or is extended by the other with a separator (`mic01` ↔
 * `mic01_frames_sum`). Each micrograph is used by at most one coordinate name.
 */
export function matchMicrographNames(coordinateNames: readonly string[], micrographNames: readonly string[]): NameMatch {
  const micKeys = micrographNames.map((m) => ({ name: m, key: matchKey(m) }));
  const byKey = new Map<string, string[]>();
  for (const m of micKeys) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.name]);
  const matched = new Map<string, string>();
  const used = new Set<string>();
  const ambiguous: string[] = [];
  const pending: string[] = [];
  for (const c of coordinateNames) {
    const exact = byKey.get(matchKey(c));
    if (exact && exact.length === 1) {
      matched.set(c, exact[0] as string);
      used.add(exact[0] as string);
    } else if (exact && exact.length > 1) ambiguous.push(c);
    else pending.push(c);
  }
  for (const c of pending) {
    const ck = matchKey(c);
    let best = 0;
    let hits: string[] = [];
    for (const m of micKeys) {
      if (used.has(m.name)) continue;
      const s = Math.max(prefixScore(m.key, ck), prefixScore(ck, m.key));
      if (s > best) { best = s; hits = [m.name]; }
      else if (s === best && s > 0) hits.push(m.name);
    }
    if (hits.length === 1) {
      matched.set(c, hits[0] as string);
      used.add(hits[0] as string);
    } else if (hits.length > 1) ambiguous.push(c);
  }
  return {
    matched,
    unmatchedCoordinates: coordinateNames.filter((c) => !matched.has(c) && !ambiguous.includes(c)),
    unmatchedMicrographs: micrographNames.filter((m) => !used.has(m)),
    ambiguous,
  };
}

/** A human-readable report of the names that did not match (empty string when all matched). */
export function describeNameMismatch(match: NameMatch, limit = 20): string {
  const list = (names: readonly string[]): string =>
    names.slice(0, limit).join(', ') + (names.length > limit ? `, ... (${names.length - limit} more)` : '');
  const parts: string[] = [];
  if (match.unmatchedCoordinates.length > 0) {
    parts.push(`${match.unmatchedCoordinates.length} coordinate micrograph name(s) match no micrograph: ${list(match.unmatchedCoordinates)}`);
  }
  if (match.ambiguous.length > 0) parts.push(`${match.ambiguous.length} name(s) match several micrographs: ${list(match.ambiguous)}`);
  if (match.unmatchedMicrographs.length > 0) {
    parts.push(`${match.unmatchedMicrographs.length} micrograph(s) have no coordinates: ${list(match.unmatchedMicrographs)}`);
  }
  return parts.join('\n');
}

/**
 * The one name-matching rule applied to data: pairs each micrograph with the coordinate set whose
 * name matches it (matchMicrographNames), e.g. picks read per micrograph name against micrograph files.
 */
export function pairByName<T>(sets: ReadonlyMap<string, T>, micrographs: readonly string[]): { byMicrograph: Map<string, T>; match: NameMatch } {
  const match = matchMicrographNames([...sets.keys()], micrographs);
  const byMicrograph = new Map<string, T>();
  for (const [name, micrograph] of match.matched) byMicrograph.set(micrograph, sets.get(name) as T);
  return { byMicrograph, match };
}
