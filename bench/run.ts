// Benchmark runner behind `npm run bench [-- NAME...]`: runs bench/<name>.ts modules and
// rewrites their sections of BENCHMARKS.md, keeping the sections of benchmarks not re-run.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomicSync } from '../src/io/atomic-write.js';

export interface BenchSection {
  readonly title: string;
  readonly command: string;
  readonly markdown: string;
}

const OUT = 'BENCHMARKS.md';
const here = dirname(fileURLToPath(import.meta.url));

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, Node ${process.version}`;
}

const HEADER = '# Benchmarks\n\nWritten by `npm run bench` (bench/run.ts). Each section says the command, the machine and ' +
  'the date it was measured; timings are medians over repeated runs after warm-up on a shared, noisy machine.\n\n';

/**
 * Replaces the body of one `<!-- bench:NAME -->` section of BENCHMARKS.md, or appends the section
 * when it is new. Everything outside the section (hand-recorded notes, other sections) is kept as
 * it is on disk at the moment of writing, so edits made during a long run survive.
 */
function writeSection(name: string, body: string): void {
  const text = existsSync(OUT) ? readFileSync(OUT, 'utf8') : HEADER;
  const block = `<!-- bench:${name} -->\n${body}<!-- /bench:${name} -->\n`;
  const re = new RegExp(`<!-- bench:${name} -->\\n[\\s\\S]*?<!-- /bench:${name} -->\\n?`);
  const doc = re.test(text) ? text.replace(re, () => block) : `${text.replace(/\n*$/, '\n\n')}${block}`;
  writeFileAtomicSync(OUT, doc, { overwrite: true });
}

async function main(): Promise<void> {
  const available = readdirSync(here)
    .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('_'))
    .map((f) => basename(f, '.js'))
    .sort();
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const toRun = wanted.length > 0 ? wanted : available;
  for (const name of toRun) {
    console.log(`bench ${name} ...`);
    const mod = (await import(pathToFileURL(join(here, `${name}.js`)).href)) as { run?: () => Promise<BenchSection> };
    if (typeof mod.run !== 'function') continue;
    const started = Date.now();
    const s = await mod.run();
    const when = new Date().toISOString().slice(0, 10);
    const body =
      `## ${s.title}\n\nCommand: \`${s.command}\` — run ${when} on ${machine()} ` +
      `(${((Date.now() - started) / 1000).toFixed(0)} s).\n\n${s.markdown.trim()}\n\n`;
    console.log(body);
    writeSection(name, body);
  }
}

await main();
