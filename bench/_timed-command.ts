// Times shell command lines for the benches that start `cryopick` processes: wall seconds and CPU
// seconds (user + sys of every process the line starts), measured by bash's `time`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Timed { readonly wall: number; readonly cpu: number }

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** The median wall and the median CPU time of repeated runs. */
export function medianTimed(xs: readonly Timed[]): Timed {
  return { wall: median(xs.map((t) => t.wall)), cpu: median(xs.map((t) => t.cpu)) };
}

/** Runs `line` in bash (stdout dropped, stderr appended to `log`); throws with the log's tail when it fails. */
export function timedCommand(line: string, log = '/dev/null'): Timed {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; time { ( ${line} ) >/dev/null 2>>${log}; }`], { encoding: 'utf8' });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [wall, u, s] = last.split(' ').map(Number) as [number, number, number];
  if (r.status !== 0 || !Number.isFinite(wall)) throw new Error(`bench command failed: ${line}\n${r.stderr}\n${log === '/dev/null' ? '' : readFileSync(log, 'utf8').slice(-2000)}`);
  return { wall, cpu: u + s };
}
