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

/** Splits BENCHMARKS.md into sections keyed by module name (`<!-- bench:NAME -->` markers). */
function readSections(): Map<string, string> {
  const sections = new Map<string, string>();
  if (!existsSync(OUT)) return sections;
  const text = readFileSync(OUT, 'utf8');
  const re = /<!-- bench:([\w-]+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g;
  for (const m of text.matchAll(re)) sections.set(m[1] ?? '', m[2] ?? '');
  return sections;
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
  const sections = readSections();
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
    sections.set(name, body);
    console.log(body);
    const doc =
      '# Benchmarks\n\nWritten by `npm run bench` (bench/run.ts). Each section says the command, the machine and ' +
      'the date it was measured; timings are medians over repeated runs after warm-up on a shared, noisy machine.\n\n' +
      [...sections.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `<!-- bench:${k} -->\n${v}<!-- /bench:${k} -->\n`).join('\n');
    writeFileAtomicSync(OUT, doc, { overwrite: true });
  }
}

await main();
