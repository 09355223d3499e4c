// Browser side: the viewer's controller: loads the session, opens micrographs, keeps counts,
// histogram and list in step with the threshold and size range, sends edits and marks to the
// server (with undo), saves, and maps the keyboard.
import { api, type DisplayImage } from './api.js';
import { countKept, scoreHistogram, sizeRange, type Filter, type Mark, type MicrographDetail, type Pick, type SessionSummary } from './model.js';
import { MicrographList, type SortOrder } from './micrograph-list.js';
import { PickCanvas } from './pick-canvas.js';
import { byId, drawHistogram, renderLegend, setRange } from './side-panel.js';

type UndoStep = { i: number; picks: Pick[] } | { i: number; mark: Mark };

let session: SessionSummary;
let current = 0;
let detail: MicrographDetail | null = null;
let filter: Filter = { threshold: null, minSize: null, maxSize: null };
let classes: { picks: ('tp' | 'fp' | null)[] | null; references: boolean[] | null } = { picks: null, references: null };
const undoStack: UndoStep[] = [];
const images = new Map<string, Promise<DisplayImage>>();
let scoreRange = { min: 0, max: 1 };

const status = byId<HTMLElement>('status');
const canvas = new PickCanvas(byId<HTMLCanvasElement>('view'), {
  add: (x, y) => editPicks((ps) => ps.push({ x, y })),
  move: (k, x, y) => editPicks((ps) => { const p = ps[k]; if (p) { p.x = x; p.y = y; } }),
  remove: (k) => editPicks((ps) => { ps.splice(k, 1); }),
  select: () => undefined,
});
const list = new MicrographList(byId('items'), (i) => void open(i));

function say(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

function fail(err: unknown): void {
  say(err instanceof Error ? err.message : String(err), true);
}

function clonePicks(ps: readonly Pick[]): Pick[] {
  return ps.map((p) => ({ ...p }));
}

/** The lowpass and contrast chosen in the side panel. */
function displayChoice(): SessionSummary['display'] {
  const [lo, hi] = byId<HTMLSelectElement>('contrast').value.split(',').map(Number) as [number, number];
  return { lowpassPx: Number(byId<HTMLInputElement>('lowpass').value), lowPercentile: lo, highPercentile: hi };
}

function displayKey(i: number): string {
  const d = displayChoice();
  return `${i}|${d.lowpassPx}|${d.lowPercentile}|${d.highPercentile}`;
}

function loadImage(i: number): Promise<DisplayImage> {
  const key = displayKey(i);
  let p = images.get(key);
  if (!p) {
    const [, lowpass, lo, hi] = key.split('|').map(Number) as [number, number, number, number];
    p = api.image(i, lowpass, lo, hi);
    images.set(key, p);
    p.catch(() => images.delete(key));
    while (images.size > 6) images.delete(images.keys().next().value as string);
  }
  return p;
}

/** Counts, list, histogram, legend and the overlay after any change. */
function refresh(): void {
  const ms = session.micrographs;
  const total = ms.reduce((n, m) => n + countKept(m, filter), 0);
  const used = ms.filter((m) => m.mark !== 'bad').length;
  const totalEl = byId('total');
  totalEl.textContent = `${total} picks in ${used} micrographs`;
  totalEl.dataset['count'] = String(total);
  const kept = byId('kept');
  const here = countKept(ms[current]!, filter);
  kept.textContent = `${here} here · ${total} in all`;
  kept.dataset['count'] = String(here);
  list.update(ms, filter, current, byId<HTMLSelectElement>('sort').value as SortOrder);
  if (session.hasScores) drawHistogram(byId('hist'), scoreHistogram(ms, 64), filter.threshold);
  const hasClasses = classes.picks !== null;
  renderLegend(byId('legend'), { classes: hasClasses, references: session.referenceKind, scoreRange: session.hasScores ? scoreRange : null });
  if (detail) {
    canvas.overlay = {
      picks: detail.picks, filter, classes: classes.picks, references: detail.references, matched: classes.references,
      diameterPx: session.diameterPx ?? 40, scoreRange, hidden: ms[current]!.mark !== 'ok',
    };
    const mark = ms[current]!.mark;
    byId('note').textContent = `${detail.name}${mark !== 'ok' ? ` — marked ${mark}` : ''}${session.dirty ? ' · unsaved changes' : ''}`;
  }
  canvas.draw();
}

let classTimer: number | undefined;
function refreshClasses(): void {
  if (session.referenceKind === null || session.diameterPx === null) return;
  window.clearTimeout(classTimer);
  const i = current;
  classTimer = window.setTimeout(() => {
    api.classes(i, filter).then((c) => { if (i === current) { classes = c; refresh(); } }).catch(fail);
  }, 60);
}

let filterTimer: number | undefined;
function setFilter(f: Filter): void {
  filter = f;
  session.dirty = true;
  refresh();
  refreshClasses();
  window.clearTimeout(filterTimer);
  filterTimer = window.setTimeout(() => { api.setFilter(filter).catch(fail); }, 150);
}

async function open(i: number): Promise<void> {
  current = Math.min(session.micrographs.length - 1, Math.max(0, i));
  history.replaceState(null, '', `#${current}`);
  const m = session.micrographs[current]!;
  try {
    say('loading…');
    const [d, image] = await Promise.all([api.micrograph(current), m.hasImage ? loadImage(current) : Promise.resolve(null)]);
    if (i !== current) return;
    detail = d;
    classes = { picks: null, references: null };
    canvas.image = image;
    canvas.size = { width: d.width ?? 1024, height: d.height ?? 1024 };
    canvas.selected = null;
    canvas.fit();
    list.reveal(current);
    refresh();
    refreshClasses();
    say(image ? '' : 'no image given for this micrograph');
    const next = list.step(current, 1);
    if (session.micrographs[next]?.hasImage) void loadImage(next).catch(() => undefined);
  } catch (err) {
    fail(err);
  }
}

/** Applies an edit to the current micrograph's picks (undoable) and sends the new list. */
function editPicks(change: (ps: Pick[]) => void): void {
  if (!detail) return;
  const i = current;
  const before = clonePicks(detail.picks);
  change(detail.picks);
  undoStack.push({ i, picks: before });
  void sendPicks(i, detail.picks);
}

async function sendPicks(i: number, picks: Pick[]): Promise<void> {
  try {
    session.micrographs[i] = await api.setPicks(i, picks);
    session.dirty = true;
    refresh();
    refreshClasses();
  } catch (err) {
    fail(err);
  }
}

async function setMark(mark: Mark): Promise<void> {
  const i = current;
  undoStack.push({ i, mark: session.micrographs[i]!.mark });
  try {
    session.micrographs[i] = await api.setMark(i, mark);
    session.dirty = true;
    refresh();
    refreshClasses();
  } catch (err) {
    fail(err);
  }
}

async function undo(): Promise<void> {
  const step = undoStack.pop();
  if (!step) return say('nothing to undo');
  if (step.i !== current) await open(step.i);
  if ('picks' in step) {
    if (detail) detail.picks = step.picks;
    await sendPicks(step.i, step.picks);
  } else {
    session.micrographs[step.i] = await api.setMark(step.i, step.mark);
    refresh();
  }
  say('undone');
}

async function save(): Promise<void> {
  try {
    say('saving…');
    const r = await api.save([byId<HTMLSelectElement>('formats').value], displayChoice());
    session.dirty = false;
    refresh();
    say(`saved ${r.particles} picks of ${r.micrographs} micrographs to ${r.outDir}`);
    status.title = `train from them: ${r.trainCommand}`;
  } catch (err) {
    fail(err);
  }
}

function deleteSelected(): void {
  const k = canvas.selected;
  if (k === null) return say('select a pick first (click it)');
  canvas.selected = null;
  editPicks((ps) => { ps.splice(k, 1); });
}

function setupControls(): void {
  const ms = session.micrographs;
  const h = scoreHistogram(ms, 64);
  scoreRange = { min: h.min, max: h.max };
  const slider = byId<HTMLInputElement>('threshold');
  const box = byId<HTMLInputElement>('threshold-value');
  byId('threshold-box').hidden = !session.hasScores;
  byId('hist').hidden = !session.hasScores;
  if (session.hasScores) {
    const t = filter.threshold ?? h.min;
    setRange(slider, Math.floor(h.min * 100) / 100, Math.ceil(h.max * 100) / 100, 0.01, t);
    box.value = String(t);
    slider.addEventListener('input', () => { box.value = slider.value; setFilter({ ...filter, threshold: Number(slider.value) }); });
    box.addEventListener('change', () => { const v = Number(box.value); if (Number.isFinite(v)) { slider.value = box.value; setFilter({ ...filter, threshold: v }); } });
  }
  const sizes = session.hasSizes ? sizeRange(ms) : null;
  byId('size-box').hidden = sizes === null;
  if (sizes) {
    const lo = byId<HTMLInputElement>('min-size');
    const hi = byId<HTMLInputElement>('max-size');
    const step = Math.max(0.1, Math.round((sizes.max - sizes.min) / 100));
    setRange(lo, Math.floor(sizes.min), Math.ceil(sizes.max), step, filter.minSize ?? Math.floor(sizes.min));
    setRange(hi, Math.floor(sizes.min), Math.ceil(sizes.max), step, filter.maxSize ?? Math.ceil(sizes.max));
    const show = (): void => { byId('min-size-value').textContent = `${lo.value} px`; byId('max-size-value').textContent = `${hi.value} px`; };
    show();
    lo.addEventListener('input', () => { show(); setFilter({ ...filter, minSize: Number(lo.value) }); });
    hi.addEventListener('input', () => { show(); setFilter({ ...filter, maxSize: Number(hi.value) }); });
  }
  const lowpass = byId<HTMLInputElement>('lowpass');
  // the saved lowpass and contrast come back with the session
  lowpass.value = String(session.display.lowpassPx);
  const contrast = byId<HTMLSelectElement>('contrast');
  const saved = `${session.display.lowPercentile},${session.display.highPercentile}`;
  if (![...contrast.options].some((o) => o.value === saved)) contrast.add(new Option(`${session.display.lowPercentile}–${session.display.highPercentile} %`, saved));
  contrast.value = saved;
  const showLowpass = (): void => { byId('lowpass-value').textContent = lowpass.value === '0' ? 'off' : `${lowpass.value} px`; };
  showLowpass();
  const redisplay = (): void => { showLowpass(); loadImage(current).then((im) => { canvas.image = im; canvas.draw(); }).catch(fail); };
  lowpass.addEventListener('change', redisplay);
  lowpass.addEventListener('input', showLowpass);
  contrast.addEventListener('change', redisplay);
  const formats = byId<HTMLSelectElement>('formats');
  formats.replaceChildren(...session.allFormats.map((f) => new Option(f, f, false, f === (session.formats[0] ?? 'star'))));
  byId('save').addEventListener('click', () => void save());
  byId('sort').addEventListener('change', refresh);
  byId('shape').addEventListener('click', (e) => { canvas.boxes = !canvas.boxes; (e.target as HTMLElement).classList.toggle('on', canvas.boxes); canvas.draw(); });
  byId('overlay').addEventListener('click', (e) => { canvas.showPicks = !canvas.showPicks; (e.target as HTMLElement).classList.toggle('on', !canvas.showPicks); canvas.draw(); });
  byId('fit').addEventListener('click', () => canvas.fit());
  byId('mark-ok').addEventListener('click', () => void setMark('ok'));
  byId('mark-bad').addEventListener('click', () => void setMark('bad'));
  byId('mark-empty').addEventListener('click', () => void setMark('empty'));
  byId('undo').addEventListener('click', () => void undo());
  byId('delete').addEventListener('click', deleteSelected);
  byId('prev').addEventListener('click', () => void open(list.step(current, -1)));
  byId('next').addEventListener('click', () => void open(list.step(current, 1)));
}

function onKey(e: KeyboardEvent): void {
  const t = e.target;
  // typing in a box, choosing in a list, or moving a slider with the arrow keys is not a command
  if ((t instanceof HTMLInputElement && t.type !== 'range') || t instanceof HTMLSelectElement) return;
  if (t instanceof HTMLInputElement && e.key.startsWith('Arrow')) return;
  if ((e.ctrlKey || e.metaKey) && e.key === 's') { e.preventDefault(); void save(); return; }
  if ((e.ctrlKey || e.metaKey) && e.key === 'z') { e.preventDefault(); void undo(); return; }
  const actions: Record<string, () => void> = {
    ArrowRight: () => void open(list.step(current, 1)), n: () => void open(list.step(current, 1)),
    ArrowLeft: () => void open(list.step(current, -1)), p: () => void open(list.step(current, -1)),
    Delete: deleteSelected, Backspace: deleteSelected, z: () => void undo(),
    b: () => void setMark('bad'), e: () => void setMark('empty'), o: () => void setMark('ok'),
    h: () => { canvas.showPicks = !canvas.showPicks; canvas.draw(); }, '0': () => canvas.fit(),
    '+': () => canvas.zoomAt(canvas.canvas.width / 2, canvas.canvas.height / 2, 1.25), '=': () => canvas.zoomAt(canvas.canvas.width / 2, canvas.canvas.height / 2, 1.25),
    '-': () => canvas.zoomAt(canvas.canvas.width / 2, canvas.canvas.height / 2, 0.8),
  };
  const act = actions[e.key];
  if (act) { e.preventDefault(); act(); }
}

async function start(): Promise<void> {
  try {
    session = await api.session();
  } catch (err) {
    return fail(err);
  }
  filter = { ...session.filter };
  byId('title').textContent = session.title;
  list.build(session.micrographs);
  setupControls();
  canvas.resize();
  window.addEventListener('resize', () => { canvas.resize(); });
  window.addEventListener('keydown', onKey);
  window.addEventListener('hashchange', () => { const i = Number(location.hash.slice(1)); if (Number.isInteger(i) && i !== current) void open(i); });
  if (session.micrographs.length === 0) return say('no micrographs');
  await open(Number(location.hash.slice(1)) || 0);
  document.body.dataset['ready'] = 'true';
}

void start();
