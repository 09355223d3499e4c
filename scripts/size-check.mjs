// Size budget check (house style): fails when a source file passes 500 lines, prints lines per folder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LIMIT = 500;
const perFolder = new Map();
const tooBig = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) {
      const lines = readFileSync(p, 'utf8').split('\n').length;
      perFolder.set(dir, (perFolder.get(dir) ?? 0) + lines);
      if (lines > LIMIT) tooBig.push(`${p}: ${lines} lines (limit ${LIMIT})`);
    }
  }
}
walk('src');
const summary = [...perFolder.entries()].sort().map(([d, n]) => `${d} ${n}`).join(', ');
console.log(`size-check: ${summary}`);
if (tooBig.length > 0) {
  console.error(`size-check: files over the limit:\n  ${tooBig.join('\n  ')}`);
  process.exit(1);
}
