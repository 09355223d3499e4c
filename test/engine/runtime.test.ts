// Execution-provider choice: CPU works; CUDA/WebGPU either work or fail with an
// UnavailableError that names what is missing (this machine has no GPU).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, Session, listProviders, relu, serializeGraph } from '../../src/engine/index.js';
import { UnavailableError } from '../../src/errors.js';

function tinyModel(): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', [3]);
  return serializeGraph(b, { outputs: { y: relu(x) } });
}

test('cpu provider runs with an explicit thread count', async () => {
  const s = await Session.create(tinyModel(), { provider: 'cpu', threads: 1 });
  const r = await s.run({ x: { data: Float32Array.of(-1, 0, 2), dims: [3] } });
  assert.deepEqual([...(r['y']?.data as Float32Array)], [0, 0, 2]);
  await s.release();
  const quiet = await Session.create(tinyModel(), { threads: 2, spinning: false });
  assert.deepEqual([...((await quiet.run({ x: { data: Float32Array.of(3, -3, 1), dims: [3] } }))['y']?.data as Float32Array)], [3, 0, 1]);
  await quiet.release();
  await assert.rejects(Session.create(tinyModel(), { threads: 0 }), RangeError);
});

for (const provider of ['cuda', 'webgpu'] as const) {
  test(`${provider}: works, or throws UnavailableError naming what is missing`, async () => {
    const listed = listProviders().find((p) => p.name === provider);
    try {
      const s = await Session.create(tinyModel(), { provider });
      await s.release();
    } catch (err) {
      assert.ok(err instanceof UnavailableError, String(err));
      assert.match(err.message, provider === 'cuda' ? /CUDA provider libraries|cuda could not start/ : /webgpu/);
      if (provider === 'cuda' && listed && !listed.bundled) assert.match(err.message, /libonnxruntime_providers_cuda\.so/);
    }
  });
}
