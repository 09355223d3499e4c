// Runs the CLI in-process (main) with stdout and stderr captured, for tests of whole commands.
import { main } from '../src/cli/main.js';

export async function capture(argv: string[]): Promise<{ code: number; err: string; out: string }> {
  let err = '';
  let out = '';
  const we = process.stderr.write.bind(process.stderr);
  const wo = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((s: string | Uint8Array) => { err += String(s); return true; }) as typeof process.stderr.write;
  process.stdout.write = ((s: string | Uint8Array) => { out += String(s); return true; }) as typeof process.stdout.write;
  try {
    return { code: await main(argv), err, out };
  } finally {
    process.stderr.write = we;
    process.stdout.write = wo;
  }
}
