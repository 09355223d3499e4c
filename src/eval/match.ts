// One-to-one matching of predicted particle centres to reference centres, by centre distance or
// by box IoU, either optimal (Hungarian: most matches, then closest) or greedy by score.
import type { Particle } from '../io/coords.js';
import { solveAssignment } from './_hungarian.js';

/**
 * When a prediction may match a reference.
 * - `distance`: centre distance ≤ `radiusPx` (the crYOLO IoU ≥ 0.6 equivalent is 0.25 × diameter).
 * - `iou`: IoU of the two square boxes of side `boxSizePx` ≥ `minIou`.
 */
export type MatchCriterion =
  | { readonly kind: 'distance'; readonly radiusPx: number }
  | { readonly kind: 'iou'; readonly minIou: number };

/**
 * - `hungarian`: a maximum-cardinality one-to-one matching, and among those the one with the
 *   smallest total squared distance (or largest total IoU); ignores scores, like Topaz.
 * - `greedy`: predictions in descending score claim the best eligible unclaimed reference
 *   (COCO / crYOLO style); at any score threshold its matches are those of the higher scores.
 */
export type MatchMethod = 'hungarian' | 'greedy';

export interface MatchOptions {
  readonly criterion: MatchCriterion;
  readonly method: MatchMethod;
  /** Side of the square box around each centre (usually the particle diameter), for IoU. */
  readonly boxSizePx: number;
}

export interface MatchPair {
  readonly pred: number;
  readonly ref: number;
  readonly distancePx: number;
  readonly iou: number;
}

export interface MatchResult {
  readonly pairs: readonly MatchPair[];
  /** For each prediction, the index of its reference, or -1. */
  readonly predToRef: Int32Array;
  /** For each reference, the index of its prediction, or -1. */
  readonly refToPred: Int32Array;
}

/** Components larger than this (on the smaller side) fall back to greedy to bound time. */
const MAX_HUNGARIAN_SIDE = 2000;

/** IoU of two axis-aligned squares of side `b` whose centres differ by (dx, dy). */
export function boxIou(dx: number, dy: number, b: number): number {
  const ox = Math.max(0, b - Math.abs(dx));
  const oy = Math.max(0, b - Math.abs(dy));
  const overlap = ox * oy;
  return overlap / (2 * b * b - overlap);
}

/**
 * IoU of two axis-aligned boxes whose centres differ by (dx, dy), each of its own estimated
 * width × height (box detectors) or else `b` × `b`.
 */
export function sizedBoxIou(dx: number, dy: number, p: Pick<Particle, 'width' | 'height'>, r: Pick<Particle, 'width' | 'height'>, b: number): number {
  const [pw, ph, rw, rh] = [p.width ?? b, p.height ?? p.width ?? b, r.width ?? b, r.height ?? r.width ?? b];
  const ox = Math.max(0, Math.min(pw / 2, dx + rw / 2) - Math.max(-pw / 2, dx - rw / 2));
  const oy = Math.max(0, Math.min(ph / 2, dy + rh / 2) - Math.max(-ph / 2, dy - rh / 2));
  const overlap = ox * oy;
  return overlap / (pw * ph + rw * rh - overlap);
}

interface Edge {
  readonly pred: number;
  readonly ref: number;
  readonly distancePx: number;
  readonly iou: number;
  /** 0 (best) … 1 (worst eligible): normalised squared distance, or 1 − IoU. */
  readonly badness: number;
}

function checkOptions(o: MatchOptions): void {
  if (!(o.boxSizePx > 0)) throw new RangeError(`box size must be > 0 px, got ${o.boxSizePx}`);
  if (o.criterion.kind === 'distance' && !(o.criterion.radiusPx > 0)) {
    throw new RangeError(`matching radius must be > 0 px, got ${o.criterion.radiusPx}`);
  }
  if (o.criterion.kind === 'iou' && !(o.criterion.minIou > 0 && o.criterion.minIou <= 1)) {
    throw new RangeError(`IoU threshold must be in (0, 1], got ${o.criterion.minIou}`);
  }
}

/** All eligible prediction–reference pairs, found with a uniform grid over the references. */
function eligibleEdges(pred: readonly Particle[], ref: readonly Particle[], o: MatchOptions): Edge[] {
  const reach = o.criterion.kind === 'distance' ? o.criterion.radiusPx : o.boxSizePx;
  const grid = new Map<string, number[]>();
  ref.forEach((r, j) => {
    const key = `${Math.floor(r.x / reach)},${Math.floor(r.y / reach)}`;
    const cell = grid.get(key);
    if (cell) cell.push(j);
    else grid.set(key, [j]);
  });
  const edges: Edge[] = [];
  pred.forEach((p, i) => {
    const cx = Math.floor(p.x / reach);
    const cy = Math.floor(p.y / reach);
    for (let gy = cy - 1; gy <= cy + 1; gy++) {
      for (let gx = cx - 1; gx <= cx + 1; gx++) {
        for (const j of grid.get(`${gx},${gy}`) ?? []) {
          const r = ref[j] as Particle;
          const dx = p.x - r.x;
          const dy = p.y - r.y;
          const d2 = dx * dx + dy * dy;
          const iou = p.width === undefined && r.width === undefined ? boxIou(dx, dy, o.boxSizePx) : sizedBoxIou(dx, dy, p, r, o.boxSizePx);
          if (o.criterion.kind === 'distance') {
            const r2 = o.criterion.radiusPx * o.criterion.radiusPx;
            if (d2 <= r2) edges.push({ pred: i, ref: j, distancePx: Math.sqrt(d2), iou, badness: d2 / r2 });
          } else if (iou >= o.criterion.minIou) {
            edges.push({ pred: i, ref: j, distancePx: Math.sqrt(d2), iou, badness: 1 - iou });
          }
        }
      }
    }
  });
  return edges;
}

function scoreOf(p: Particle): number {
  return p.score ?? Number.POSITIVE_INFINITY;
}

/** Greedy by score over the given edges (all from one component or the whole image). */
function greedyPairs(pred: readonly Particle[], edges: readonly Edge[]): Edge[] {
  const byPred = new Map<number, Edge[]>();
  for (const e of edges) {
    const list = byPred.get(e.pred);
    if (list) list.push(e);
    else byPred.set(e.pred, [e]);
  }
  const order = [...byPred.keys()].sort((a, b) => scoreOf(pred[b] as Particle) - scoreOf(pred[a] as Particle) || a - b);
  const claimed = new Set<number>();
  const out: Edge[] = [];
  for (const i of order) {
    let best: Edge | undefined;
    for (const e of byPred.get(i) ?? []) {
      if (claimed.has(e.ref)) continue;
      if (!best || e.badness < best.badness || (e.badness === best.badness && e.ref < best.ref)) best = e;
    }
    if (best) {
      claimed.add(best.ref);
      out.push(best);
    }
  }
  return out;
}

/** Splits edges into connected components of the bipartite graph. */
function components(edges: readonly Edge[], predCount: number): Edge[][] {
  const parent = new Int32Array(predCount).map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  const firstPredOfRef = new Map<number, number>();
  for (const e of edges) {
    const other = firstPredOfRef.get(e.ref);
    if (other === undefined) firstPredOfRef.set(e.ref, e.pred);
    else parent[find(e.pred)] = find(other);
  }
  const groups = new Map<number, Edge[]>();
  for (const e of edges) {
    const root = find(e.pred);
    const g = groups.get(root);
    if (g) g.push(e);
    else groups.set(root, [e]);
  }
  return [...groups.values()];
}

/** Optimal pairs inside one component: most matches first, then least total badness. */
function hungarianPairs(pred: readonly Particle[], comp: readonly Edge[]): Edge[] {
  const preds = [...new Set(comp.map((e) => e.pred))].sort((a, b) => a - b);
  const refs = [...new Set(comp.map((e) => e.ref))].sort((a, b) => a - b);
  if (preds.length === 1 || refs.length === 1) return greedyByBadness(comp);
  if (Math.min(preds.length, refs.length) > MAX_HUNGARIAN_SIDE) return greedyPairs(pred, comp);
  const transpose = preds.length > refs.length;
  const rows = transpose ? refs : preds;
  const cols = transpose ? preds : refs;
  const rowIndex = new Map(rows.map((v, k) => [v, k]));
  const colIndex = new Map(cols.map((v, k) => [v, k]));
  // a matched pair costs badness − (E + 1), so one more match always beats any badness total
  const bonus = comp.length + 1;
  const cost = new Float64Array(rows.length * cols.length);
  const edgeAt = new Map<number, Edge>();
  for (const e of comp) {
    const r = rowIndex.get(transpose ? e.ref : e.pred) as number;
    const c = colIndex.get(transpose ? e.pred : e.ref) as number;
    cost[r * cols.length + c] = e.badness - bonus;
    edgeAt.set(r * cols.length + c, e);
  }
  const assignment = solveAssignment(cost, rows.length, cols.length);
  const out: Edge[] = [];
  assignment.forEach((c, r) => {
    const e = edgeAt.get(r * cols.length + c);
    if (e) out.push(e);
  });
  return out;
}

/** Trivial components (a star around one node): the single best edge. */
function greedyByBadness(comp: readonly Edge[]): Edge[] {
  let best = comp[0] as Edge;
  for (const e of comp) if (e.badness < best.badness) best = e;
  return [best];
}

/**
 * Matches predictions to references one-to-one. Coordinates must be in the same frame (pixels of
 * the original micrograph, same y direction).
 * @throws RangeError on a non-positive radius or box size, or an IoU threshold outside (0, 1].
 */
export function matchParticles(pred: readonly Particle[], ref: readonly Particle[], options: MatchOptions): MatchResult {
  checkOptions(options);
  const edges = eligibleEdges(pred, ref, options);
  let chosen: Edge[];
  if (options.method === 'greedy') chosen = greedyPairs(pred, edges);
  else chosen = components(edges, pred.length).flatMap((comp) => hungarianPairs(pred, comp));
  const predToRef = new Int32Array(pred.length).fill(-1);
  const refToPred = new Int32Array(ref.length).fill(-1);
  const pairs: MatchPair[] = [];
  for (const e of chosen.sort((a, b) => a.pred - b.pred)) {
    predToRef[e.pred] = e.ref;
    refToPred[e.ref] = e.pred;
    pairs.push({ pred: e.pred, ref: e.ref, distancePx: e.distancePx, iou: e.iou });
  }
  return { pairs, predToRef, refToPred };
}
