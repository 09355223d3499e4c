// The viewer server without a browser: it serves only what it was given (path traversal attempts,
// foreign Host headers and cross-origin writes are refused), a non-loopback host needs a token
// that every request must then carry, picks with sizes get the size filter, truth gives TP/FP
// classes, display images keep the original-pixel scale, and bad input is one clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { UsageError } from '../../src/errors.js';
import { DisplayImages } from '../../src/web/display-images.js';
import { startViewServer, type RunningViewer } from '../../src/web/server.js';
import { ViewSession } from '../../src/web/view-session.js';
import { coordinateSource, pickRunSource } from '../../src/web/view-sources.js';
import { makeViewFixture, HEIGHT, WIDTH, type ViewFixture } from './_view-fixture.js';

interface Reply { status: number; body: string; headers: Record<string, string | string[] | undefined> }

/** A raw HTTP request (no URL normalisation on the client side). */
function raw(port: number, path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

let fixture: ViewFixture | undefined;
const getFixture = async (): Promise<ViewFixture> => (fixture ??= await makeViewFixture());

async function runViewer(f: ViewFixture, token?: string, host?: string): Promise<RunningViewer> {
  const src = await pickRunSource(f.run, f.micrographs, { paths: [f.cbox], binning: 1 });
  return startViewServer({ session: new ViewSession(src.init), images: new DisplayImages({ displaySize: 600 }), save: { formats: ['star'] } },
    { ...(token === undefined ? {} : { token }), ...(host === undefined ? {} : { host }) });
}

test('serves only its page, its browser code and the API: traversal attempts are 404 and never leak files', async () => {
  const v = await runViewer(await getFixture());
  try {
    assert.equal((await raw(v.port, '/')).status, 200);
    assert.equal((await raw(v.port, '/client/main.js')).status, 200);
    for (const path of ['/client/../../../../etc/passwd', '/client/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/client/%2e%2e/server.js',
      '/client/main.js%00.png', '/api/micrographs/0/../../../../etc/passwd', '/api/micrographs/..%2f..%2fetc%2fpasswd/image', '/etc/passwd',
      '/api/micrographs/3/image', '/api/micrographs/-1/image', '/client/tsconfig.json', '//etc/passwd']) {
      const r = await raw(v.port, path);
      assert.equal(r.status, 404, `${path} → ${r.status}`);
      assert.doesNotMatch(r.body, /root:|compilerOptions|createServer/, path);
    }
  } finally {
    await v.close();
  }
});

test('a loopback server refuses foreign Host headers (DNS rebinding) and cross-origin writes', async () => {
  const v = await runViewer(await getFixture());
  try {
    assert.equal((await raw(v.port, '/api/session', { headers: { host: 'evil.example:80' } })).status, 403);
    assert.equal((await raw(v.port, '/api/session', { headers: { host: `localhost:${v.port}` } })).status, 200);
    const json = { 'content-type': 'application/json' };
    const write = { method: 'PUT', body: '{"mark":"bad"}' };
    assert.equal((await raw(v.port, '/api/micrographs/0/mark', { ...write, headers: { ...json, origin: 'http://evil.example' } })).status, 403);
    assert.equal((await raw(v.port, '/api/micrographs/0/mark', { ...write, headers: { 'content-type': 'text/plain' } })).status, 415);
    assert.equal((await raw(v.port, '/api/micrographs/0/mark', { ...write, headers: { ...json, origin: `http://127.0.0.1:${v.port}` } })).status, 200);
  } finally {
    await v.close();
  }
});

test('--host 0.0.0.0 needs a token, and then every request must carry it', async () => {
  const f = await getFixture();
  await assert.rejects(runViewer(f, undefined, '0.0.0.0'), (e: unknown) => e instanceof UsageError && /token/.test(e.message));
  await assert.rejects(runViewer(f, 'short', '0.0.0.0'), UsageError);
  const token = 'a-long-enough-secret';
  const v = await runViewer(f, token, '0.0.0.0');
  try {
    assert.match(v.url, /\?token=a-long-enough-secret$/);
    for (const path of ['/', '/api/session', '/client/main.js', '/api/micrographs/0/thumb', '/?token=wrong-token-value']) {
      assert.equal((await raw(v.port, path)).status, 401, path);
    }
    const page = await raw(v.port, `/?token=${token}`);
    assert.equal(page.status, 200);
    const cookie = String(page.headers['set-cookie']).split(';')[0] as string;
    assert.equal((await raw(v.port, '/api/session', { headers: { cookie } })).status, 200);
    assert.equal((await raw(v.port, '/api/session', { headers: { 'x-cryopick-token': token } })).status, 200);
  } finally {
    await v.close();
  }
});

test('display images keep the original-pixel scale; thumbnails are small PNGs', async () => {
  const v = await runViewer(await getFixture());
  try {
    const image = await raw(v.port, '/api/micrographs/0/image?lowpass=8&lo=1&hi=99');
    assert.equal(image.status, 200);
    assert.equal(image.headers['content-type'], 'image/png');
    assert.equal(Number(image.headers['x-scale-x']), WIDTH / 600);
    assert.equal(Number(image.headers['x-original-width']), WIDTH);
    assert.equal(Number(image.headers['x-original-height']), HEIGHT);
    const thumb = await raw(v.port, '/api/micrographs/1/thumb');
    assert.equal(thumb.status, 200);
    assert.ok(thumb.body.length < image.body.length);
    const bad = await raw(v.port, '/api/micrographs/0/image?lo=50&hi=10');
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).error, /lo < hi/);
  } finally {
    await v.close();
  }
});

test('bad edits are one clear message; picks and marks round-trip through the API', async () => {
  const v = await runViewer(await getFixture());
  const json = { 'content-type': 'application/json' };
  try {
    const r = await raw(v.port, '/api/micrographs/0/picks', { method: 'PUT', headers: json, body: '{"particles":[{"x":"a","y":2}]}' });
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).error, /particles\[0\]\.x: expected a number/);
    assert.equal((await raw(v.port, '/api/micrographs/0/mark', { method: 'PUT', headers: json, body: '{"mark":"gone"}' })).status, 400);
    assert.equal((await raw(v.port, '/api/micrographs/0/picks', { method: 'PUT', headers: json, body: '{not json' })).status, 400);
    assert.equal((await raw(v.port, '/api/save', { method: 'POST', headers: json, body: '{}' })).status, 400, 'no --out: saving explains itself');
    await raw(v.port, '/api/micrographs/2/picks', { method: 'PUT', headers: json, body: '{"particles":[{"x":10,"y":20},{"x":30.5,"y":40,"score":2}]}' });
    const m = JSON.parse((await raw(v.port, '/api/micrographs/2')).body) as { picks: unknown[]; edited: boolean; scores: unknown[] };
    assert.deepEqual(m.picks, [{ x: 10, y: 20 }, { x: 30.5, y: 40, score: 2 }]);
    assert.equal(m.edited, true);
    assert.deepEqual(m.scores, [null, 2]);
  } finally {
    await v.close();
  }
});

test('truth gives true/false positives and misses; cbox sizes turn on the size filter', async () => {
  const f = await getFixture();
  // picks from .cbox files (sizes 30, 33, 36, ...) on the micrographs, the pick run's blobs as truth
  const src = await coordinateSource(f.micrographs, { paths: [f.cbox], binning: 1 }, { paths: [f.cbox], binning: 1 });
  const session = new ViewSession(src.init);
  assert.equal(session.hasSizes, true);
  assert.equal(session.hasScores, true);
  const blobs = f.truth.get('mic0') ?? [];
  assert.equal(session.keptOf(0).length, blobs.length);
  assert.equal(session.keptOf(0, { threshold: Number.NEGATIVE_INFINITY, minSize: 36 }).length, blobs.length - 2);
  assert.equal(session.keptOf(0, { threshold: Number.NEGATIVE_INFINITY, minSize: 33, maxSize: 39 }).length, 3);
  const v = await startViewServer({ session, images: new DisplayImages(), save: { formats: ['star'] } });
  try {
    const c = JSON.parse((await raw(v.port, '/api/micrographs/0/classes?threshold=-1e9&minSize=36')).body) as { picks: (string | null)[]; references: boolean[] };
    assert.deepEqual(c.picks, blobs.map((_, k) => (k < 2 ? null : 'tp')));
    assert.deepEqual(c.references, blobs.map((_, k) => k >= 2), 'the two small boxes filtered out become misses');
    const s = JSON.parse((await raw(v.port, '/api/session')).body) as { hasSizes: boolean; micrographs: { sizes: number[] }[] };
    assert.equal(s.hasSizes, true);
    assert.deepEqual(s.micrographs[0]?.sizes.slice(0, 3), [30, 33, 36]);
  } finally {
    await v.close();
  }
});

test('YOLO-family picks with box sizes only (width, height) get the size filter by their larger side', () => {
  const session = new ViewSession({
    micrographs: [{ name: 'a.mrc', key: 'a' }], threshold: 0, title: 't',
    picks: new Map([['a', [{ x: 1, y: 1, score: 1, width: 20, height: 30 }, { x: 50, y: 50, score: 2, width: 40, height: 36 }, { x: 90, y: 9, score: -1, width: 50, height: 50 }]]]),
  });
  assert.equal(session.hasSizes, true);
  assert.deepEqual(session.keptOf(0).map((p) => p.x), [1, 50]);
  assert.deepEqual(session.keptOf(0, { threshold: 0, minSize: 35 }).map((p) => p.x), [50]);
  session.setPicks(0, [{ x: 3, y: 4, width: 10, height: 12 }]);
  assert.deepEqual(session.picksOf(0), [{ x: 3, y: 4, width: 10, height: 12 }], 'edits keep the box size');
});
