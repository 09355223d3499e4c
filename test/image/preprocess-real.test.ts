// Conformance on a real micrograph (EMPIAR-10028 via CryoPPP, 1024² PNG, dark particles): after
// Fourier-crop ×2, lowpass and GMM normalisation the ice sits near 0 and particles stand out in
// the expected direction, flipped by inversion. Skipped when ../shared/realdata is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { missingReason, realFile } from '../_paths.js';
import { readMicrograph } from '../../src/io/micrograph.js';
import { parsePreprocessParams } from '../../src/image/preprocess-params.js';
import { preprocessImageDetailed } from '../../src/image/preprocess.js';

const IMAGE = 'prompt-sam-cryoppp/dataset/10028/train/images/061_10028.png';
const CENTRES = 'derived/empiar10028_from_promptsam_labels/061_10028.csv';

test('real micrograph: GMM-normalised ice near 0, particles darker (brighter when inverted)', { skip: realFile(IMAGE) === undefined || realFile(CENTRES) === undefined ? missingReason(IMAGE) : false }, async () => {
  const image = await readMicrograph(realFile(IMAGE)!);
  const rows = (await readFile(realFile(CENTRES)!, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  for (const invert of [false, true]) {
    const params = parsePreprocessParams({ downsample: { kind: 'factor', factor: 2 }, lowpass: { kind: 'gaussian', cutoff: { fractionNyquist: 0.5 } }, invert });
    const { image: out, plan, stats } = preprocessImageDetailed(image, params);
    assert.deepEqual([out.width, out.height, plan.factorX], [512, 512, 2]);
    assert.ok(stats.std > 0 && stats.gmm !== undefined);
    const sorted = Float32Array.from(out.data).sort();
    const median = sorted[sorted.length >> 1]!;
    assert.ok(Math.abs(median) < 0.5, `median ${median}`);
    let inside = 0;
    let n = 0;
    for (const [x, y] of rows) {
      const cx = Math.round(x! / 2);
      const cy = Math.round(y! / 2);
      for (let dy = -5; dy <= 5; dy++) {
        for (let dx = -5; dx <= 5; dx++) {
          const v = out.data[(cy + dy) * out.width + cx + dx];
          if (v !== undefined && cx + dx >= 0 && cx + dx < out.width) { inside += v; n++; }
        }
      }
    }
    const particleMean = inside / n;
    if (invert) assert.ok(particleMean > median + 0.3, `inverted: particles ${particleMean} vs median ${median}`);
    else assert.ok(particleMean < median - 0.3, `particles ${particleMean} vs median ${median}`);
  }
});
