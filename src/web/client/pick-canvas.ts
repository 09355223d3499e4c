// Browser side: the micrograph canvas. Draws the display image with zoom and pan and the picks as
// circles or boxes (coloured by score, or as true/false positives and misses), and turns pointer
// input into edits: click adds, dragging a pick moves it, right-click deletes, dragging pans.
import type { DisplayImage } from './api.js';
import { CLASS_COLORS, keeps, pickSize, scoreColor, type Filter, type Pick } from './model.js';

export interface CanvasCallbacks {
  add(x: number, y: number): void;
  move(index: number, x: number, y: number): void;
  remove(index: number): void;
  select(index: number | null): void;
}

export interface Overlay {
  picks: Pick[];
  filter: Filter;
  /** Per pick: tp/fp against the references, when known. */
  classes: ('tp' | 'fp' | null)[] | null;
  references: Pick[] | null;
  /** Per reference: matched by a kept pick. */
  matched: boolean[] | null;
  diameterPx: number;
  scoreRange: { min: number; max: number };
  /** The picks are not shown (empty or bad micrograph). */
  hidden: boolean;
}

export class PickCanvas {
  image: DisplayImage | null = null;
  /** Original size of the micrograph (used when there is no image). */
  size = { width: 1024, height: 1024 };
  overlay: Overlay | null = null;
  boxes = false;
  showPicks = true;
  selected: number | null = null;
  zoom = 1;
  offsetX = 0;
  offsetY = 0;
  /** The gesture under way; `from` is the dragged pick's place before the drag. */
  private drag: { kind: 'pan' | 'move'; x0: number; y0: number; ox: number; oy: number; index: number; moved: boolean; from: { x: number; y: number } } | null = null;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(readonly canvas: HTMLCanvasElement, private readonly on: CanvasCallbacks) {
    this.ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.moveTo(e));
    canvas.addEventListener('pointerup', (e) => this.up(e));
    canvas.addEventListener('pointercancel', () => this.cancel());
    canvas.addEventListener('contextmenu', (e) => this.context(e));
    canvas.addEventListener('wheel', (e) => { e.preventDefault(); this.zoomAt(e.offsetX, e.offsetY, e.deltaY < 0 ? 1.25 : 0.8); }, { passive: false });
  }

  get scaleX(): number { return this.image?.scaleX ?? 1; }
  get scaleY(): number { return this.image?.scaleY ?? 1; }
  get imageOffset(): number { return this.image?.offset ?? 0; }
  private get displayWidth(): number { return this.image?.bitmap.width ?? this.size.width; }
  private get displayHeight(): number { return this.image?.bitmap.height ?? this.size.height; }

  /** Original pixel → canvas position (display pixel j, drawn over [j, j + 1) × zoom, is centred at original j × scale + offset). */
  toScreen(x: number, y: number): [number, number] {
    const o = this.imageOffset;
    return [this.offsetX + ((x - o) / this.scaleX + 0.5) * this.zoom, this.offsetY + ((y - o) / this.scaleY + 0.5) * this.zoom];
  }

  /** Canvas position → original pixel. */
  toOriginal(sx: number, sy: number): [number, number] {
    const o = this.imageOffset;
    return [((sx - this.offsetX) / this.zoom - 0.5) * this.scaleX + o, ((sy - this.offsetY) / this.zoom - 0.5) * this.scaleY + o];
  }

  resize(): void {
    const r = this.canvas.parentElement!.getBoundingClientRect();
    this.canvas.width = Math.max(1, Math.floor(r.width));
    this.canvas.height = Math.max(1, Math.floor(r.height));
    this.draw();
  }

  fit(): void {
    this.zoom = Math.min(this.canvas.width / this.displayWidth, this.canvas.height / this.displayHeight);
    this.offsetX = (this.canvas.width - this.displayWidth * this.zoom) / 2;
    this.offsetY = (this.canvas.height - this.displayHeight * this.zoom) / 2;
    this.draw();
  }

  zoomAt(sx: number, sy: number, factor: number): void {
    const z = Math.min(64, Math.max(0.05, this.zoom * factor));
    this.offsetX = sx - ((sx - this.offsetX) * z) / this.zoom;
    this.offsetY = sy - ((sy - this.offsetY) * z) / this.zoom;
    this.zoom = z;
    this.draw();
  }

  /** Indexes of the picks drawn (kept by the filter), for hit tests. */
  private visible(): number[] {
    const o = this.overlay;
    if (!o || o.hidden || !this.showPicks) return [];
    return o.picks.map((p, k) => (keeps(p.score, pickSize(p), o.filter) ? k : -1)).filter((k) => k >= 0);
  }

  private radiusOf(p: Pick): number {
    return ((pickSize(p) ?? this.overlay?.diameterPx ?? 40) / 2 / this.scaleX) * this.zoom;
  }

  private hit(sx: number, sy: number): number | null {
    const o = this.overlay;
    if (!o) return null;
    let best: number | null = null;
    let bestD = Infinity;
    for (const k of this.visible()) {
      const p = o.picks[k]!;
      const [px, py] = this.toScreen(p.x, p.y);
      const d = Math.hypot(px - sx, py - sy);
      if (d <= Math.max(6, this.radiusOf(p)) && d < bestD) { best = k; bestD = d; }
    }
    return best;
  }

  private down(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.canvas.setPointerCapture(e.pointerId);
    const k = this.hit(e.offsetX, e.offsetY);
    if (k !== null) {
      this.selected = k;
      this.on.select(k);
    }
    const p = k === null ? undefined : this.overlay?.picks[k];
    this.drag = { kind: k === null ? 'pan' : 'move', x0: e.offsetX, y0: e.offsetY, ox: this.offsetX, oy: this.offsetY, index: k ?? -1, moved: false, from: { x: p?.x ?? 0, y: p?.y ?? 0 } };
    this.draw();
  }

  private moveTo(e: PointerEvent): void {
    const d = this.drag;
    if (!d) return;
    const dx = e.offsetX - d.x0;
    const dy = e.offsetY - d.y0;
    if (Math.hypot(dx, dy) > 3) d.moved = true;
    if (!d.moved) return;
    if (d.kind === 'pan') {
      this.offsetX = d.ox + dx;
      this.offsetY = d.oy + dy;
    } else if (this.overlay) {
      const [x, y] = this.toOriginal(e.offsetX, e.offsetY);
      const p = this.overlay.picks[d.index]!;
      p.x = x;
      p.y = y;
    }
    this.draw();
  }

  private up(e: PointerEvent): void {
    const d = this.drag;
    this.drag = null;
    if (!d) return;
    if (d.kind === 'move' && d.moved) {
      const [x, y] = this.toOriginal(e.offsetX, e.offsetY);
      this.putBack(d); // the move is one edit from the old place (undo restores it)
      this.on.move(d.index, x, y);
    } else if (d.kind === 'pan' && !d.moved && this.showPicks && this.overlay && !this.overlay.hidden) {
      const [x, y] = this.toOriginal(e.offsetX, e.offsetY);
      this.on.add(x, y);
    } else if (d.kind === 'pan' && !d.moved) {
      this.selected = null;
      this.on.select(null);
    }
    this.draw();
  }

  /** A drag cut short (pointer lost): the pick goes back where it was. */
  private cancel(): void {
    const d = this.drag;
    this.drag = null;
    if (d?.kind === 'move') this.putBack(d);
    this.draw();
  }

  private putBack(d: { index: number; from: { x: number; y: number } }): void {
    const p = this.overlay?.picks[d.index];
    if (p) { p.x = d.from.x; p.y = d.from.y; }
  }

  private context(e: MouseEvent): void {
    e.preventDefault();
    const k = this.hit(e.offsetX, e.offsetY);
    if (k !== null) this.on.remove(k);
  }

  private shape(x: number, y: number, r: number, color: string, width: number, dash: number[] = []): void {
    const c = this.ctx;
    c.strokeStyle = color;
    c.lineWidth = width;
    c.setLineDash(dash);
    c.beginPath();
    if (this.boxes) c.rect(x - r, y - r, 2 * r, 2 * r);
    else c.arc(x, y, r, 0, 2 * Math.PI);
    c.stroke();
  }

  draw(): void {
    const c = this.ctx;
    // the view transform, for tools and tests: canvas px = offset + ((original − imageOffset) / scale + 0.5) × zoom
    this.canvas.dataset['view'] = JSON.stringify({ zoom: this.zoom, offsetX: this.offsetX, offsetY: this.offsetY, scaleX: this.scaleX, scaleY: this.scaleY, imageOffset: this.imageOffset });
    c.setTransform(1, 0, 0, 1, 0, 0);
    c.fillStyle = '#000';
    c.fillRect(0, 0, this.canvas.width, this.canvas.height);
    c.imageSmoothingEnabled = this.zoom < 1;
    if (this.image) c.drawImage(this.image.bitmap, this.offsetX, this.offsetY, this.displayWidth * this.zoom, this.displayHeight * this.zoom);
    else {
      c.fillStyle = '#333';
      c.fillRect(this.offsetX, this.offsetY, this.displayWidth * this.zoom, this.displayHeight * this.zoom);
    }
    const o = this.overlay;
    if (!o || o.hidden || !this.showPicks) return;
    const line = Math.max(1.5, Math.min(3, this.zoom * 1.5));
    if (o.references) {
      o.references.forEach((p, k) => {
        const [x, y] = this.toScreen(p.x, p.y);
        const r = this.radiusOf(p) * 1.12;
        if (o.matched) { if (!o.matched[k]) this.shape(x, y, r, CLASS_COLORS.miss, line, [5, 3]); } else this.shape(x, y, r, CLASS_COLORS.reference, line, [5, 3]);
      });
    }
    const span = Math.max(1e-6, o.scoreRange.max - o.scoreRange.min);
    for (const k of this.visible()) {
      const p = o.picks[k]!;
      const [x, y] = this.toScreen(p.x, p.y);
      const cls = o.classes?.[k];
      const color = cls ? CLASS_COLORS[cls] : p.score === undefined ? CLASS_COLORS.manual : scoreColor((p.score - o.scoreRange.min) / span);
      this.shape(x, y, this.radiusOf(p), color, k === this.selected ? line + 2 : line);
    }
  }
}
