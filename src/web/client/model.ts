// Browser side: the data the viewer API sends, and the pure rules the page shares with the server
// (which picks a filter keeps, so counts match `cryopick threshold`), colours and histograms.

export type Mark = 'ok' | 'bad' | 'empty';

export interface Pick {
  x: number;
  y: number;
  score?: number;
  diameter?: number;
  width?: number;
  height?: number;
}

/** Same rule as the server's `sizeOf`: the diameter, else the larger side of the estimated box. */
export function pickSize(p: Pick): number | undefined {
  if (p.diameter !== undefined) return p.diameter;
  if (p.width === undefined && p.height === undefined) return undefined;
  return Math.max(p.width ?? 0, p.height ?? 0);
}

export interface Filter {
  threshold: number | null;
  minSize: number | null;
  maxSize: number | null;
}

export interface MicrographSummary {
  name: string;
  mark: Mark;
  edited: boolean;
  hasImage: boolean;
  width: number | null;
  height: number | null;
  /** Score of every pick (null: a pick added by hand). */
  scores: (number | null)[];
  /** Size of every pick, when the session's picks carry sizes. */
  sizes: (number | null)[] | null;
  referenceCount: number | null;
}

export interface SessionSummary {
  title: string;
  hasScores: boolean;
  hasSizes: boolean;
  referenceKind: 'truth' | 'labels' | null;
  diameterPx: number | null;
  filter: Filter;
  dirty: boolean;
  outDir: string | null;
  formats: string[];
  allFormats: string[];
  /** Lowpass (original px, 0 = off) and contrast percentiles saved with the session. */
  display: { lowpassPx: number; lowPercentile: number; highPercentile: number };
  micrographs: MicrographSummary[];
}

export interface MicrographDetail extends MicrographSummary {
  picks: Pick[];
  references: Pick[] | null;
}

/** Same rule as the server's `passes`: no score or no size always passes that test. */
export function keeps(score: number | null | undefined, size: number | null | undefined, f: Filter): boolean {
  if (score !== null && score !== undefined && f.threshold !== null && score < f.threshold) return false;
  if (size !== null && size !== undefined) {
    if (f.minSize !== null && size < f.minSize) return false;
    if (f.maxSize !== null && size > f.maxSize) return false;
  }
  return true;
}

/** Picks of a micrograph that the filter keeps (0 for bad and empty micrographs). */
export function countKept(m: MicrographSummary, f: Filter): number {
  if (m.mark !== 'ok') return 0;
  let n = 0;
  for (let k = 0; k < m.scores.length; k++) if (keeps(m.scores[k], m.sizes?.[k], f)) n++;
  return n;
}

export interface Histogram {
  readonly min: number;
  readonly max: number;
  readonly counts: number[];
}

/** Histogram of the scores of all micrographs not marked bad. */
export function scoreHistogram(ms: readonly MicrographSummary[], bins: number): Histogram {
  let min = Infinity;
  let max = -Infinity;
  for (const m of ms) for (const s of m.scores) if (s !== null) { min = Math.min(min, s); max = Math.max(max, s); }
  if (!Number.isFinite(min)) return { min: 0, max: 1, counts: new Array<number>(bins).fill(0) };
  if (max <= min) max = min + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const m of ms) {
    if (m.mark === 'bad') continue;
    for (const s of m.scores) if (s !== null) counts[Math.min(bins - 1, Math.floor(((s - min) / (max - min)) * bins))]! += 1;
  }
  return { min, max, counts };
}

/** The range of the sizes of all picks, or null. */
export function sizeRange(ms: readonly MicrographSummary[]): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const m of ms) for (const s of m.sizes ?? []) if (s !== null) { min = Math.min(min, s); max = Math.max(max, s); }
  return Number.isFinite(min) ? { min, max } : null;
}

const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]] as const;

/** A viridis-like colour for t in [0, 1]. */
export function scoreColor(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  const c = [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export const CLASS_COLORS = { tp: '#3ddc5a', fp: '#ff4040', miss: '#ffb000', manual: '#39d5ff', reference: '#ff66d9' } as const;
