// streamFileAtomic: streamed text lands under the final name only when complete; a failure while
// filling (or a folder that cannot be written) leaves no file and no temp file behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamFileAtomic, FileExistsError } from '../../src/io/atomic-write.js';

test('streamFileAtomic writes every chunk, refuses to overwrite unless told, and leaves nothing on failure', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-stream-'));
  try {
    const out = join(dir, 'sub', 'rows.csv');
    const chunk = 'x'.repeat(100_000) + '\n';
    await streamFileAtomic(out, async (write) => { for (let i = 0; i < 50; i++) await write(chunk); });
    assert.equal(readFileSync(out, 'utf8').length, 50 * chunk.length, 'back-pressure waits, nothing lost');
    await assert.rejects(streamFileAtomic(out, async (write) => write('new')), (e: unknown) => e instanceof FileExistsError);
    await assert.rejects(streamFileAtomic(out, async (write) => { await write('half'); throw new Error('boom'); }, { overwrite: true }), /boom/);
    assert.equal(readFileSync(out, 'utf8').length, 50 * chunk.length, 'the earlier file is intact');
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['rows.csv'], 'no temp file left');
    writeFileSync(join(dir, 'file'), '');
    await assert.rejects(streamFileAtomic(join(dir, 'file', 'x.csv'), async (write) => write('a')), /cryopick-stream-[^/]+\/file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
