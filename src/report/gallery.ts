// The micrograph gallery of HTML reports: every micrograph as a lowpass-filtered, contrast-stretched
// JPEG with its picks drawn over it in SVG (true positives, false positives and misses in three
// colours when references are known), each pick's score shown on hover, in pages of thumbnails.
import type { Image2D } from '../image/image.js';
import { gaussianLowpass, shrinkForDisplay, stretchToBytes } from '../image/display.js';
import type { Particle } from '../io/coords.js';
import { encodeJpegGrey } from '../io/raster.js';
import { matchParticles } from '../eval/match.js';
import { escapeHtml } from './html.js';

export type MarkKind = 'tp' | 'fp' | 'miss' | 'pick';

export interface GalleryMark {
  /** Centre in original micrograph pixels. */
  readonly x: number;
  readonly y: number;
  readonly diameterPx: number;
  readonly kind: MarkKind;
  readonly score?: number;
}

export interface GalleryOptions {
  /** Longest side of each image in the report, pixels (default 384). */
  readonly size?: number;
  /** Lowpass period in original pixels (default: a third of the particle diameter; 0 = none). */
  readonly lowpassPx?: number;
}

export const MARK_COLORS: Readonly<Record<MarkKind, string>> = { tp: '#22c55e', fp: '#ef4444', miss: '#f59e0b', pick: '#22c55e' };
const MARK_NAMES: Readonly<Record<MarkKind, string>> = { tp: 'true positive', fp: 'false positive', miss: 'miss', pick: 'pick' };

/**
 * Marks for the picks at a threshold: against references (match within 0.25 × diameter,
 * Hungarian, as `cryopick evaluate`) as TP/FP plus the missed references, else plain picks.
 */
export function classifyPicks(picks: readonly Particle[], references: readonly Particle[] | undefined, diameterPx: number): GalleryMark[] {
  const mark = (p: Particle, kind: MarkKind): GalleryMark => ({ x: p.x, y: p.y, diameterPx: p.diameter ?? diameterPx, kind, ...(p.score === undefined ? {} : { score: p.score }) });
  if (references === undefined) return picks.map((p) => mark(p, 'pick'));
  const m = matchParticles(picks, references, { criterion: { kind: 'distance', radiusPx: 0.25 * diameterPx }, method: 'hungarian', boxSizePx: diameterPx });
  return [
    ...picks.map((p, k) => mark(p, (m.predToRef[k] as number) >= 0 ? 'tp' : 'fp')),
    ...references.filter((_, k) => (m.refToPred[k] as number) < 0).map((p) => mark(p, 'miss')),
  ];
}

/** One gallery figure: the image (JPEG data URI) with an SVG overlay whose circles show their score on hover. */
export function renderGalleryFigure(title: string, caption: string, image: Image2D, marks: readonly GalleryMark[], options: GalleryOptions = {}): string {
  const small = shrinkForDisplay(image, options.size ?? 384);
  const typical = marks[0]?.diameterPx ?? 0;
  const lowpassPx = options.lowpassPx ?? typical / 3;
  const shown = lowpassPx > 2 * small.scaleX ? gaussianLowpass(small.image, small.scaleX / lowpassPx) : small.image;
  const { width, height } = shown;
  const jpeg = encodeJpegGrey(width, height, stretchToBytes(shown.data, 1, 99), 80);
  const circles = marks.map((m) => {
    const cx = (m.x - small.offset) / small.scaleX + 0.5;
    const cy = (m.y - small.offset) / small.scaleY + 0.5;
    const r = Math.max(2, m.diameterPx / 2 / small.scaleX);
    const tip = `${MARK_NAMES[m.kind]}${m.score === undefined ? '' : `, score ${m.score.toFixed(2)}`} at (${m.x.toFixed(0)}, ${m.y.toFixed(0)})`;
    return `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r.toFixed(1)}" class="${m.kind}"><title>${escapeHtml(tip)}</title></circle>`;
  });
  return `<figure class="mic"><div class="mic-view" style="aspect-ratio:${width}/${height}"><img alt="${escapeHtml(title)}" src="data:image/jpeg;base64,${jpeg.toString('base64')}">` +
    `<svg viewBox="0 0 ${width} ${height}" preserveAspectRatio="none">${circles.join('')}</svg></div>` +
    `<figcaption><b>${escapeHtml(title)}</b> — ${escapeHtml(caption)}</figcaption></figure>`;
}

/** The legend of the mark colours used. */
export function renderLegend(kinds: readonly MarkKind[]): string {
  return `<p class="legend">${[...new Set(kinds)].map((k) => `<span><i style="border-color:${MARK_COLORS[k]}${k === 'miss' ? ';border-style:dashed' : ''}"></i>${MARK_NAMES[k]}</span>`).join('')} · hover a circle for its score</p>`;
}

/**
 * Figures in pages of `pageSize` with page buttons (a few lines of inline script; without
 * script every page is shown).
 */
export function renderPagedGallery(id: string, figures: readonly string[], pageSize = 12): string {
  const pages: string[] = [];
  for (let i = 0; i < figures.length; i += pageSize) pages.push(`<div class="gallery" data-page="${pages.length}">${figures.slice(i, i + pageSize).join('\n')}</div>`);
  if (pages.length <= 1) return pages.join('');
  const buttons = pages.map((_, k) => `<button type="button" data-go="${k}">${k * pageSize + 1}–${Math.min(figures.length, (k + 1) * pageSize)}</button>`).join('');
  const script = `(function(){var root=document.getElementById(${JSON.stringify(id)});function show(k){root.querySelectorAll('[data-page]').forEach(function(p){p.hidden=p.getAttribute('data-page')!==String(k)});` +
    `root.querySelectorAll('[data-go]').forEach(function(b){b.classList.toggle('on',b.getAttribute('data-go')===String(k))})}` +
    `root.querySelectorAll('[data-go]').forEach(function(b){b.addEventListener('click',function(){show(b.getAttribute('data-go'))})});show(0)})();`;
  return `<div id="${escapeHtml(id)}"><div class="pager">${buttons}</div>${pages.join('\n')}</div><script>${script}</script>`;
}
