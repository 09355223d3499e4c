// Starts `cryopick view` as a user would (the built CLI in a child process), waits for the URL it
// prints, and stops it with SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO_ROOT } from '../_paths.js';

export const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');

export interface CliViewer {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Runs `cryopick view ARGS` and resolves once it prints its URL (rejects if it exits first). */
export async function startCliViewer(args: readonly string[]): Promise<CliViewer> {
  const child = spawn(process.execPath, [CLI, 'view', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { text += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cryopick view printed no URL in 60 s:\n${text}`)), 60_000);
    const look = (): void => {
      const m = /open (http:\/\/\S+)/.exec(text);
      if (m) { clearTimeout(timer); resolve(m[1] as string); }
    };
    child.stdout?.on('data', look);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`cryopick view exited with ${code}:\n${text}`)); });
  });
  return {
    url, child, output: () => text,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await exited;
    },
  };
}
