// view-state.json keeps the display's lowpass and contrast beside the edits: written on save,
// read back (files written before they were kept still load), bad values refused with the field;
// the API takes them with Save and hands them back in the session summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/errors.js';
import { DisplayImages } from '../../src/web/display-images.js';
import { ApiError, handleApi } from '../../src/web/view-api.js';
import { ViewSession } from '../../src/web/view-session.js';
import { formatViewState, parseViewState, readViewState } from '../../src/web/view-state.js';

const edits = { filter: { threshold: 0.5 }, marks: new Map([['a', 'empty' as const]]), edited: new Map([['a', []]]) };

test('the display settings go through the state file, and older files without them load', () => {
  const display = { lowpassPx: 12, lowPercentile: 2, highPercentile: 98 };
  const back = parseViewState(formatViewState({ ...edits, display }), 'view-state.json');
  assert.deepEqual(back.display, display);
  assert.deepEqual(back.marks, edits.marks);
  const old = parseViewState(formatViewState(edits), 'view-state.json');
  assert.equal(old.display, undefined);
  assert.equal(old.filter.threshold, 0.5);
  const bad = formatViewState({ ...edits, display: { lowpassPx: 3, lowPercentile: 99, highPercentile: 1 } });
  assert.throws(() => parseViewState(bad, 'x/view-state.json'), (e: unknown) => e instanceof FormatError && /x\/view-state\.json.*display.*lowPercentile must be below highPercentile/.test(e.message));
  const negative = formatViewState({ ...edits, display: { lowpassPx: -1, lowPercentile: 1, highPercentile: 99 } });
  assert.throws(() => parseViewState(negative, 'view-state.json'), /display\.lowpassPx/);
});

test('Save takes the display settings from the browser; the session summary returns them; bad ones are one message', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-view-state-'));
  try {
    const session = new ViewSession({ micrographs: [{ name: 'a.mrc', key: 'a' }], picks: new Map([['a', [{ x: 5, y: 6, score: 1 }]]]), threshold: 0, title: 't' });
    const c = { session, images: new DisplayImages(), save: { formats: ['star' as const], outDir: join(dir, 'out') } };
    const summary = async (): Promise<unknown> => ((await handleApi(c, 'GET', 'session', new URLSearchParams(), undefined)) as { body: { display: unknown } }).body.display;
    assert.deepEqual(await summary(), { lowpassPx: 0, lowPercentile: 1, highPercentile: 99 });
    await handleApi(c, 'POST', 'save', new URLSearchParams(), { formats: ['star'], display: { lowpassPx: 8, lowPercentile: 0.5, highPercentile: 99.5 } });
    assert.deepEqual(await summary(), { lowpassPx: 8, lowPercentile: 0.5, highPercentile: 99.5 });
    assert.match(await readFile(join(dir, 'out', 'view-state.json'), 'utf8'), /"lowpassPx": 8/);
    assert.deepEqual((await readViewState(join(dir, 'out')))?.display, { lowpassPx: 8, lowPercentile: 0.5, highPercentile: 99.5 });
    await assert.rejects(handleApi(c, 'POST', 'save', new URLSearchParams(), { display: { lowpassPx: 'x', lowPercentile: 1, highPercentile: 99 } }),
      (e: unknown) => e instanceof ApiError && e.status === 400 && /display\.lowpassPx: expected a number, found "x"/.test(e.message));
    await assert.rejects(handleApi(c, 'POST', 'save', new URLSearchParams(), { display: { lowpassPx: 1, lowPercentile: 50, highPercentile: 10 } }), /0 <= lo < hi <= 100/);
    const restored = new ViewSession({ micrographs: [{ name: 'a.mrc', key: 'a' }], picks: new Map(), threshold: 0, title: 't' });
    restored.restore((await readViewState(join(dir, 'out')))!);
    assert.deepEqual(restored.display, { lowpassPx: 8, lowPercentile: 0.5, highPercentile: 99.5 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
