// The run-folder lock: atomic creation with pid/host/start time, a second writer refused naming
// the holder (in this process, in another process, racing processes), stale locks of dead
// processes broken with a message, locks from other hosts never broken, cleanup on release.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, readRunLock, withRunLock, RunLockedError, RUN_LOCK_NAME } from '../../src/io/run-lock.js';

const LOCK_MODULE = new URL('../../src/io/run-lock.js', import.meta.url).href;

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cryopick-lock-'));
}

test('the lock file holds pid, host, start time and command; release removes it and the folder it created', async () => {
  const root = await tempRoot();
  try {
    const dir = join(root, 'a', 'run');
    const lock = acquireRunLock(dir, 'pick');
    const h = JSON.parse(readFileSync(join(dir, RUN_LOCK_NAME), 'utf8'));
    assert.equal(h.pid, process.pid);
    assert.equal(h.host, hostname());
    assert.equal(h.command, 'pick');
    assert.ok(Math.abs(Date.parse(h.started) - Date.now()) < 60_000);
    assert.deepEqual(readRunLock(dir), h);
    lock.release();
    lock.release();
    assert.equal(existsSync(join(root, 'a')), false, 'folders created by the lock and left empty are removed');
    const kept = join(root, 'kept');
    await withRunLock(kept, 'train', async () => { writeFileSync(join(kept, 'out.txt'), 'x'); });
    assert.equal(existsSync(join(kept, RUN_LOCK_NAME)), false);
    assert.equal(readFileSync(join(kept, 'out.txt'), 'utf8'), 'x');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a second writer is refused with a message naming the holder', async () => {
  const root = await tempRoot();
  try {
    const lock = acquireRunLock(root, 'pick');
    assert.throws(() => acquireRunLock(root, 'train'), (e: unknown) => e instanceof RunLockedError
      && new RegExp(`cryopick pick \\(pid ${process.pid} on ${hostname()}, started `).test(e.message));
    lock.release();
    acquireRunLock(root, 'train').release();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a lock held by another live process is respected, and racing processes get exactly one lock', async () => {
  const root = await tempRoot();
  try {
    // each child loads the module, says "ready", waits for "go", tries the lock, reports, and
    // holds what it got until its stdin closes
    const script = `const { acquireRunLock } = await import(process.argv[1]);
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  try { const l = acquireRunLock(process.argv[2], 'pick'); process.stdout.write('ok\\n'); process.stdin.on('end', () => l.release()); }
  catch (e) { process.stdout.write(e.code + '\\n'); }
  process.stdin.resume();
});`;
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, ['--input-type=module', '-e', script, LOCK_MODULE, root], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const lines = children.map((c) => {
      const queue: string[] = [];
      const waiters: ((s: string) => void)[] = [];
      let buf = '';
      c.stdout.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          const w = waiters.shift();
          if (w) w(line); else queue.push(line);
        }
      });
      return (): Promise<string> => new Promise((resolve) => { const l = queue.shift(); if (l !== undefined) resolve(l); else waiters.push(resolve); });
    });
    assert.deepEqual(await Promise.all(lines.map((next) => next())), ['ready', 'ready', 'ready', 'ready']);
    for (const c of children) c.stdin.write('go\n');
    const outcomes = await Promise.all(lines.map((next) => next()));
    assert.deepEqual([...outcomes].sort(), ['ELOCKED', 'ELOCKED', 'ELOCKED', 'ok']);
    const holder = readRunLock(root);
    const winner = children[outcomes.indexOf('ok')];
    assert.equal(holder?.pid, winner?.pid);
    assert.throws(() => acquireRunLock(root, 'pick'), new RegExp(`pid ${holder?.pid}`));
    const exits = children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r))));
    for (const c of children) c.stdin.end();
    await Promise.all(exits);
    assert.equal(readRunLock(root), undefined, 'the holder released it');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a stale lock of a dead process on this host is broken with a message; another host\'s lock is not', async () => {
  const root = await tempRoot();
  try {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    writeFileSync(join(root, RUN_LOCK_NAME), JSON.stringify({ pid: deadPid, host: hostname(), started: '2020-01-01T00:00:00.000Z', command: 'pick' }));
    const log: string[] = [];
    const lock = acquireRunLock(root, 'pick', { log: (l) => log.push(l) });
    assert.equal(log.length, 1);
    assert.match(log[0] as string, new RegExp(`stale lock .*pid ${deadPid} on ${hostname()}.*no longer running`));
    assert.equal(readRunLock(root)?.pid, process.pid);
    lock.release();

    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, RUN_LOCK_NAME), JSON.stringify({ pid: deadPid, host: 'node-17.cluster', started: '2020-01-01T00:00:00.000Z', command: 'train' }));
    assert.throws(() => acquireRunLock(other, 'pick'), /cryopick train \(pid \d+ on node-17\.cluster.*may still run on node-17\.cluster.*delete/);
    writeFileSync(join(other, RUN_LOCK_NAME), 'garbage');
    assert.throws(() => acquireRunLock(other, 'pick'), /unreadable/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a folder that cannot be created is one message naming it', async () => {
  const root = await tempRoot();
  try {
    writeFileSync(join(root, 'file'), 'x');
    assert.throws(() => acquireRunLock(join(root, 'file', 'run'), 'pick'), (e: unknown) => e instanceof Error && e.name === 'UserError'
      && /cannot create the output folder .*file.run: a file is in the way/.test(e.message));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
