// One writer per run folder: a lock file (pid, host, start time, command) created atomically
// inside the folder; a second writer is refused naming the holder, and a lock left by a dead
// process on this host is broken with a message.
import { hostname } from 'node:os';
import { linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { describeFsError } from './fs-errors.js';

/** The lock file's name inside a run folder. */
export const RUN_LOCK_NAME = '.cryopick.lock';

/** What a lock file holds. */
export interface RunLockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO time the holder took the lock. */
  readonly started: string;
  /** The command that holds it, e.g. `pick`. */
  readonly command: string;
}

/** A held lock; `release` is idempotent and synchronous (safe in exit handlers). */
export interface RunLock {
  readonly dir: string;
  readonly path: string;
  readonly holder: RunLockHolder;
  release(): void;
}

export interface RunLockOptions {
  /** Where the stale-lock notice goes (default stderr). */
  readonly log?: (line: string) => void;
}

/** Thrown when another live process holds the folder. */
export class RunLockedError extends UserError {
  readonly holder: RunLockHolder;
  constructor(dir: string, holder: RunLockHolder, why = '') {
    super('ELOCKED', `${dir} is in use by another writer: cryopick ${holder.command} (pid ${holder.pid} on ${holder.host}, started ${holder.started})${why}; wait for it to finish or choose another output folder`);
    this.holder = holder;
  }
}

const held = new Set<RunLock>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // process.exit() (e.g. a third Ctrl+C) skips finally blocks: still drop our locks.
  process.on('exit', () => { for (const lock of [...held]) lock.release(); });
}

function describe(h: RunLockHolder): string {
  return `pid ${h.pid} on ${h.host}, started ${h.started}`;
}

/** Reads the holder of a folder's lock, or undefined when the folder is not locked. */
export function readRunLock(dir: string): RunLockHolder | undefined {
  return readHolder(join(dir, RUN_LOCK_NAME));
}

/** The holder in a lock file; pid −1 when the file is not a lock; undefined when it is absent. */
function readHolder(file: string): RunLockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const h = JSON.parse(text) as RunLockHolder;
    if (typeof h.pid === 'number' && typeof h.host === 'string') return h;
  } catch { /* reported below */ }
  return { pid: -1, host: 'unknown', started: 'unknown', command: 'unknown' };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock file complete or not at all: write a temp file, then hard-link it into place. */
function tryCreate(path: string, holder: RunLockHolder): boolean {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(holder)}\n`);
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  // file systems without hard links: exclusive create (a reader may briefly see it empty)
  try {
    writeFileSync(path, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Moves a stale lock aside; if it changed since we read it (someone else broke it first), puts it back. */
function breakStale(path: string, stale: RunLockHolder): boolean {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  const moved = readHolder(aside);
  if (moved && (moved.pid !== stale.pid || moved.started !== stale.started)) {
    try { linkSync(aside, path); } catch { /* a newer lock is already in place */ }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}

/**
 * Takes the lock of run folder `dir` (created if missing) for `command`.
 * @throws RunLockedError when a live process (or one on another host) holds it; UserError when the
 * folder cannot be created.
 */
export function acquireRunLock(dir: string, command: string, options: RunLockOptions = {}): RunLock {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let created: string | undefined;
  try {
    created = mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw describeFsError(err, dir, 'cannot create the output folder');
  }
  const path = join(dir, RUN_LOCK_NAME);
  const holder: RunLockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  for (let attempt = 0; ; attempt++) {
    let ok: boolean;
    try {
      ok = tryCreate(path, holder);
    } catch (err) {
      throw describeFsError(err, path, 'cannot create the run lock');
    }
    if (ok) break;
    const other = readRunLock(dir);
    if (other === undefined) continue; // released between our two calls: try again
    if (other.pid === -1) {
      throw new RunLockedError(dir, other, `; ${path} is unreadable — delete it if no cryopick process writes there`);
    }
    if (other.host !== holder.host) {
      throw new RunLockedError(dir, other, `; it may still run on ${other.host} — delete ${path} if it does not`);
    }
    if (isAlive(other.pid) || attempt >= 3) throw new RunLockedError(dir, other);
    if (breakStale(path, other)) {
      log(`cryopick: removed a stale lock in ${dir} left by cryopick ${other.command} (${describe(other)}), which is no longer running`);
    }
  }
  const lock: RunLock = {
    dir, path, holder,
    release: () => {
      if (!held.delete(lock)) return;
      const now = readRunLock(dir);
      if (now && now.pid === holder.pid && now.started === holder.started) rmSync(path, { force: true });
      if (created !== undefined) removeEmptyUpTo(dir, created);
    },
  };
  held.add(lock);
  installExitHook();
  return lock;
}

/** Removes `dir` and its parents up to `top` while they are empty (the folders the lock created). */
function removeEmptyUpTo(dir: string, top: string): void {
  let d = dir;
  for (;;) {
    try {
      if (readdirSync(d).length > 0) return;
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top || d.length <= top.length) return;
    d = join(d, '..');
  }
}

/** Runs `fn` holding the lock of `dir`; the lock is released however `fn` ends. */
export async function withRunLock<T>(dir: string, command: string, fn: (lock: RunLock) => Promise<T>, options: RunLockOptions = {}): Promise<T> {
  const lock = acquireRunLock(dir, command, options);
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}
