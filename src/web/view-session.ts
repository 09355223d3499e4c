// The state of one `cryopick view` session: the micrographs, their picks (as loaded, then as
// edited), reference picks (truth or training labels), per-micrograph marks and the chosen
// threshold and size range. Every coordinate is in original micrograph pixels, y down.
import type { Particle } from '../io/coords.js';
import { DEFAULT_DISPLAY, type DisplaySettings } from './display-images.js';

/** ok, bad (excluded from every output), empty (no particles: a negative training image). */
export type MicrographMark = 'ok' | 'bad' | 'empty';
export const MICROGRAPH_MARKS: readonly MicrographMark[] = ['ok', 'bad', 'empty'];

export interface ViewMicrograph {
  /** The name the picks use (the micrograph file name for images). */
  readonly name: string;
  readonly key: string;
  /** The image file, when given; picks of a micrograph without one are shown on a blank field. */
  readonly path?: string;
  /** Size in original pixels, when known before the image is read. */
  width?: number;
  height?: number;
}

/** Which picks count: scores >= threshold (picks without a score always count), sizes in range. */
export interface PickFilter {
  readonly threshold: number;
  readonly minSize?: number;
  readonly maxSize?: number;
}

export interface ViewSessionInit {
  readonly micrographs: readonly ViewMicrograph[];
  /** Loaded picks by micrograph key. */
  readonly picks: ReadonlyMap<string, readonly Particle[]>;
  /** Reference picks by micrograph key; undefined when none were loaded. */
  readonly references?: ReadonlyMap<string, readonly Particle[]>;
  /** What the references are: 'truth' (given with --ref) or 'labels' (a training run's picks). */
  readonly referenceKind?: 'truth' | 'labels';
  /** Initial threshold (the run's saved or default one); -Infinity when picks carry no scores. */
  readonly threshold: number;
  /** Particle diameter in original pixels (circles, matching); undefined when unknown. */
  readonly diameterPx?: number;
  /** A short description of what is shown, e.g. 'pick run picks/'. */
  readonly title: string;
}

/** What was saved or restored: the edits, marks and filter of a session, and how micrographs were shown. */
export interface ViewEdits {
  readonly filter: PickFilter;
  readonly marks: ReadonlyMap<string, MicrographMark>;
  readonly edited: ReadonlyMap<string, readonly Particle[]>;
  /** Lowpass and contrast of the display (absent in files written before they were saved). */
  readonly display?: DisplaySettings;
}

export class ViewSession {
  readonly micrographs: readonly ViewMicrograph[];
  readonly references: ReadonlyMap<string, readonly Particle[]> | undefined;
  readonly referenceKind: 'truth' | 'labels' | undefined;
  readonly diameterPx: number | undefined;
  readonly title: string;
  readonly hasScores: boolean;
  readonly hasSizes: boolean;
  filter: PickFilter;
  /** Lowpass and contrast last saved with the session (the browser sends them on save). */
  display: DisplaySettings = DEFAULT_DISPLAY;
  private readonly loaded: ReadonlyMap<string, readonly Particle[]>;
  private readonly edited = new Map<string, readonly Particle[]>();
  private readonly marks = new Map<string, MicrographMark>();
  /** Changes since the last save. */
  dirty = false;

  constructor(init: ViewSessionInit) {
    this.micrographs = init.micrographs;
    this.loaded = init.picks;
    this.references = init.references;
    this.referenceKind = init.references ? init.referenceKind ?? 'truth' : undefined;
    this.diameterPx = init.diameterPx;
    this.title = init.title;
    const all = [...init.picks.values()].flat();
    this.hasScores = all.some((p) => p.score !== undefined);
    this.hasSizes = hasVaryingSizes(all);
    this.filter = { threshold: this.hasScores ? init.threshold : Number.NEGATIVE_INFINITY };
  }

  /** The micrograph at index i. @throws RangeError for an index out of range. */
  micrograph(i: number): ViewMicrograph {
    const m = this.micrographs[i];
    if (m === undefined) throw new RangeError(`no micrograph ${i} (the session has ${this.micrographs.length})`);
    return m;
  }

  /** Every pick of micrograph i (as edited), at any score. */
  picksOf(i: number): readonly Particle[] {
    const key = this.micrograph(i).key;
    return this.edited.get(key) ?? this.loaded.get(key) ?? [];
  }

  referencesOf(i: number): readonly Particle[] | undefined {
    return this.references ? this.references.get(this.micrograph(i).key) ?? [] : undefined;
  }

  markOf(i: number): MicrographMark {
    return this.marks.get(this.micrograph(i).key) ?? 'ok';
  }

  isEdited(i: number): boolean {
    return this.edited.has(this.micrograph(i).key);
  }

  /** Replaces the picks of micrograph i (an edit). */
  setPicks(i: number, particles: readonly Particle[]): void {
    this.edited.set(this.micrograph(i).key, particles.map(cleanParticle));
    this.dirty = true;
  }

  setMark(i: number, mark: MicrographMark): void {
    const key = this.micrograph(i).key;
    if (mark === 'ok') this.marks.delete(key);
    else this.marks.set(key, mark);
    this.dirty = true;
  }

  setFilter(filter: PickFilter): void {
    this.filter = filter;
    this.dirty = true;
  }

  /** The picks of micrograph i that the filter keeps; none for bad and empty micrographs. */
  keptOf(i: number, filter: PickFilter = this.filter): Particle[] {
    if (this.markOf(i) !== 'ok') return [];
    return this.picksOf(i).filter((p) => passes(p, filter));
  }

  /** The edits, marks and filter, for saving. */
  edits(): ViewEdits {
    return { filter: this.filter, marks: new Map(this.marks), edited: new Map(this.edited), display: this.display };
  }

  /** Restores saved edits (micrographs no longer in the session are ignored). */
  restore(edits: ViewEdits): void {
    const keys = new Set(this.micrographs.map((m) => m.key));
    this.filter = this.hasScores ? edits.filter : { ...edits.filter, threshold: Number.NEGATIVE_INFINITY };
    for (const [k, m] of edits.marks) if (keys.has(k) && m !== 'ok') this.marks.set(k, m);
    for (const [k, ps] of edits.edited) if (keys.has(k)) this.edited.set(k, ps.map(cleanParticle));
    if (edits.display !== undefined) this.display = edits.display;
    this.dirty = false;
  }
}

/** A pick's size in pixels: its diameter, else the larger side of its estimated box (YOLO family). */
export function sizeOf(p: Particle): number | undefined {
  if (p.diameter !== undefined) return p.diameter;
  if (p.width === undefined && p.height === undefined) return undefined;
  return Math.max(p.width ?? 0, p.height ?? 0);
}

/** True when a pick is kept by the filter (picks without a score or size always pass that test). */
export function passes(p: Particle, f: PickFilter): boolean {
  if (p.score !== undefined && p.score < f.threshold) return false;
  const size = sizeOf(p);
  if (size !== undefined) {
    if (f.minSize !== undefined && size < f.minSize) return false;
    if (f.maxSize !== undefined && size > f.maxSize) return false;
  }
  return true;
}

/** Picks carry sizes when they have diameters that are not all the same (YOLO-family boxes). */
function hasVaryingSizes(picks: readonly Particle[]): boolean {
  let first: number | undefined;
  for (const p of picks) {
    const size = sizeOf(p);
    if (size === undefined) continue;
    if (first === undefined) first = size;
    else if (size !== first) return true;
  }
  return false;
}

function cleanParticle(p: Particle): Particle {
  return {
    x: p.x, y: p.y,
    ...(p.score === undefined ? {} : { score: p.score }),
    ...(p.diameter === undefined ? {} : { diameter: p.diameter }),
    ...(p.width === undefined ? {} : { width: p.width }),
    ...(p.height === undefined ? {} : { height: p.height }),
  };
}
