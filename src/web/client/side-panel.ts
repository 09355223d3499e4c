// Browser side: the controls beside the canvas: the score histogram with the threshold slider and
// live count, the size sliders (picks with sizes), display settings and the legend.
import { CLASS_COLORS, scoreColor, type Histogram } from './model.js';

export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} is missing`);
  return el as T;
}

/** Draws the histogram; bins at or above the threshold are bright. */
export function drawHistogram(canvas: HTMLCanvasElement, h: Histogram, threshold: number | null): void {
  const c = canvas.getContext('2d') as CanvasRenderingContext2D;
  const w = canvas.width;
  const ht = canvas.height;
  c.clearRect(0, 0, w, ht);
  const peak = Math.max(1, ...h.counts);
  const bw = w / h.counts.length;
  h.counts.forEach((n, b) => {
    const start = h.min + ((h.max - h.min) * b) / h.counts.length;
    const bar = (Math.sqrt(n) / Math.sqrt(peak)) * (ht - 4);
    c.fillStyle = threshold === null || start + (h.max - h.min) / h.counts.length > threshold ? scoreColor(b / (h.counts.length - 1)) : '#555';
    c.fillRect(b * bw, ht - bar, Math.max(1, bw - 1), bar);
  });
  if (threshold !== null) {
    const x = ((threshold - h.min) / (h.max - h.min)) * w;
    c.fillStyle = '#fff';
    c.fillRect(Math.round(x) - 1, 0, 2, ht);
  }
}

/** The legend for the current colouring. */
export function renderLegend(el: HTMLElement, o: { classes: boolean; references: 'truth' | 'labels' | null; scoreRange: { min: number; max: number } | null }): void {
  const sw = (color: string, text: string, dashed = false): string =>
    `<div><span class="sw" style="border-color:${color};${dashed ? 'border-style:dashed' : ''}"></span>${text}</div>`;
  const parts: string[] = [];
  const refName = o.references === 'labels' ? 'label' : 'truth';
  if (o.classes) {
    parts.push(sw(CLASS_COLORS.tp, `true positive (matches a ${refName} pick)`), sw(CLASS_COLORS.fp, 'false positive'), sw(CLASS_COLORS.miss, `miss (${refName} pick not picked)`, true));
  } else {
    if (o.scoreRange) {
      const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => scoreColor(t)).join(',');
      parts.push(`<div>score ${o.scoreRange.min.toFixed(1)}</div><div class="grad" style="background:linear-gradient(90deg,${stops})"></div><div style="justify-content:flex-end">${o.scoreRange.max.toFixed(1)}</div>`);
    }
    if (o.references) parts.push(sw(CLASS_COLORS.reference, `${refName} picks (set the particle diameter to classify)`, true));
  }
  parts.push(sw(CLASS_COLORS.manual, 'added by hand (no score)'));
  el.innerHTML = parts.join('');
}

/** Sets a range input's bounds and value. */
export function setRange(input: HTMLInputElement, min: number, max: number, step: number, value: number): void {
  input.min = String(min);
  input.max = String(max);
  input.step = String(step);
  input.value = String(value);
}
