// Browser side: calls to the viewer API (same origin; the access token, when one is set, travels
// as the cookie the page load set). Errors carry the server's message.
import type { MicrographDetail, MicrographSummary, SessionSummary, Filter, Mark, Pick } from './model.js';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: body === undefined ? {} : { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(`/api/${path}`, init);
  const data = (await res.json()) as { error?: string };
  if (!res.ok) throw new Error(data.error ?? `${method} ${path}: HTTP ${res.status}`);
  return data as T;
}

export interface DisplayImage {
  readonly bitmap: ImageBitmap;
  /** Display pixel j is centred at original j × scale + offset. */
  readonly scaleX: number;
  readonly scaleY: number;
  readonly offset: number;
  readonly originalWidth: number;
  readonly originalHeight: number;
  readonly pixelSizeA: number | null;
}

export interface SaveReply {
  outDir: string;
  files: string[];
  particles: number;
  micrographs: number;
  excluded: number;
  empty: number;
  thresholdFile?: string;
  trainCommand: string;
}

export interface Classes {
  picks: ('tp' | 'fp' | null)[] | null;
  references: boolean[] | null;
}

export const api = {
  session: (): Promise<SessionSummary> => call('GET', 'session'),
  micrograph: (i: number): Promise<MicrographDetail> => call('GET', `micrographs/${i}`),
  setPicks: (i: number, particles: Pick[]): Promise<MicrographSummary> => call('PUT', `micrographs/${i}/picks`, { particles }),
  setMark: (i: number, mark: Mark): Promise<MicrographSummary> => call('PUT', `micrographs/${i}/mark`, { mark }),
  setFilter: (f: Filter): Promise<{ filter: Filter }> => call('PUT', 'filter', f),
  classes: (i: number, f: Filter): Promise<Classes> => {
    const q = new URLSearchParams();
    if (f.threshold !== null) q.set('threshold', String(f.threshold));
    if (f.minSize !== null) q.set('minSize', String(f.minSize));
    if (f.maxSize !== null) q.set('maxSize', String(f.maxSize));
    return call('GET', `micrographs/${i}/classes?${q.toString()}`);
  },
  save: (formats: string[], display: SessionSummary['display']): Promise<SaveReply> => call('POST', 'save', { formats, display }),
  thumbUrl: (i: number): string => `/api/micrographs/${i}/thumb`,
  async image(i: number, lowpassPx: number, lo: number, hi: number): Promise<DisplayImage> {
    const res = await fetch(`/api/micrographs/${i}/image?lowpass=${lowpassPx}&lo=${lo}&hi=${hi}`);
    if (!res.ok) throw new Error(((await res.json()) as { error?: string }).error ?? `image: HTTP ${res.status}`);
    const h = (k: string): number => Number(res.headers.get(k));
    const pixel = res.headers.get('x-pixel-size');
    return {
      bitmap: await createImageBitmap(await res.blob()), scaleX: h('x-scale-x'), scaleY: h('x-scale-y'), offset: h('x-offset'),
      originalWidth: h('x-original-width'), originalHeight: h('x-original-height'), pixelSizeA: pixel === null ? null : Number(pixel),
    };
  },
};
