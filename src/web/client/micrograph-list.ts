// Browser side: the micrograph list: thumbnails (rendered by the server when scrolled into view),
// names, the count at the current filter and marks, sortable by name or count.
import { api } from './api.js';
import { countKept, type Filter, type MicrographSummary } from './model.js';

export type SortOrder = 'name' | 'count-desc' | 'count-asc';

export class MicrographList {
  private order: number[] = [];
  private rows: HTMLElement[] = [];
  private readonly observer: IntersectionObserver;

  constructor(private readonly el: HTMLElement, private readonly onPick: (i: number) => void) {
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        const img = e.target as HTMLImageElement;
        if (img.dataset['src']) { img.src = img.dataset['src']; delete img.dataset['src']; }
        this.observer.unobserve(img);
      }
    }, { root: el.parentElement, rootMargin: '400px' });
  }

  /** Builds the rows once per session load. */
  build(ms: readonly MicrographSummary[]): void {
    this.el.replaceChildren();
    this.rows = ms.map((m, i) => {
      const row = document.createElement('div');
      row.className = 'item';
      row.dataset['index'] = String(i);
      const img = document.createElement('img');
      img.alt = '';
      if (m.hasImage) { img.dataset['src'] = api.thumbUrl(i); this.observer.observe(img); }
      const text = document.createElement('div');
      text.innerHTML = '<div class="name"></div><span class="count"></span> <span class="mark"></span>';
      (text.querySelector('.name') as HTMLElement).textContent = m.name;
      row.append(img, text);
      row.addEventListener('click', () => this.onPick(i));
      return row;
    });
    this.order = ms.map((_, i) => i);
    this.el.replaceChildren(...this.rows);
  }

  /** Updates counts, marks and the current row, and re-sorts. */
  update(ms: readonly MicrographSummary[], f: Filter, current: number, sort: SortOrder): void {
    const counts = ms.map((m) => countKept(m, f));
    ms.forEach((m, i) => {
      const row = this.rows[i]!;
      (row.querySelector('.count') as HTMLElement).textContent = String(counts[i]);
      (row.querySelector('.mark') as HTMLElement).textContent = m.mark === 'ok' ? (m.edited ? 'edited' : '') : m.mark;
      row.classList.toggle('bad', m.mark === 'bad');
      row.classList.toggle('current', i === current);
    });
    const order = ms.map((_, i) => i);
    if (sort === 'count-desc') order.sort((a, b) => counts[b]! - counts[a]! || a - b);
    else if (sort === 'count-asc') order.sort((a, b) => counts[a]! - counts[b]! || a - b);
    else order.sort((a, b) => ms[a]!.name.localeCompare(ms[b]!.name, undefined, { numeric: true }));
    if (order.some((v, k) => v !== this.order[k])) {
      this.order = order;
      this.el.replaceChildren(...order.map((i) => this.rows[i]!));
    }
  }

  /** The micrograph before or after `current` in the shown order. */
  step(current: number, delta: number): number {
    const at = this.order.indexOf(current);
    return this.order[Math.min(this.order.length - 1, Math.max(0, at + delta))] ?? current;
  }

  reveal(i: number): void {
    this.rows[i]?.scrollIntoView({ block: 'nearest' });
  }
}
