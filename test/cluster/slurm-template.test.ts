// SLURM scripts without a cluster: RELION-style template placeholders (lines of unset options
// dropped, unknown placeholders refused), array specs of unfinished shards, and the dry run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSlurmTemplate, shellQuote } from '../../src/cluster/slurm-template.js';
import { arraySpec } from '../../src/cluster/slurm-plan.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { runCli, writeTestMicrographs, writeTestModel } from '../_pick-fixture.js';

test('templates: placeholders filled, unset lines dropped, unknown placeholders refused', () => {
  const t = '#!/bin/bash\n#SBATCH --account=lab42\n#SBATCH --partition=XXXqueueXXX\n#SBATCH --mem=XXXmemXXX\nmodule load node\nXXXcommandXXX';
  assert.equal(renderSlurmTemplate(t, { queue: 'gpu', command: 'run it' }), '#!/bin/bash\n#SBATCH --account=lab42\n#SBATCH --partition=gpu\nmodule load node\nrun it');
  assert.throws(() => renderSlurmTemplate('#SBATCH --qos=XXXqosXXX\nXXXcommandXXX', {}, 'site.sh'), (e: ConfigError) => /site\.sh: unknown placeholder\(s\) XXXqosXXX/.test(e.message));
  assert.throws(() => renderSlurmTemplate('#!/bin/bash\n', {}), /no XXXcommandXXX/);
  assert.equal(arraySpec([1, 2, 3, 4]), '1-4');
  assert.equal(arraySpec([2, 4]), '2,4');
  assert.equal(arraySpec([3]), '3');
  assert.equal(shellQuote("it's here"), `'it'\\''s here'`);
  assert.equal(shellQuote('/a/b-c.mrc'), '/a/b-c.mrc');
});

test('cryopick slurm pick --dry-run prints the array and merge scripts with the site template', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-slurm-dry-'));
  try {
    const model = await writeTestModel(join(dir, 'model.onnx'));
    await writeTestMicrographs(join(dir, 'mics'), 3);
    const template = join(dir, 'site.sh');
    await writeFile(template, '#!/bin/bash\n#SBATCH --account=lab42\n#SBATCH --array=XXXarrayXXX\n#SBATCH --time=XXXtimeXXX\n#SBATCH --cpus-per-task=XXXthreadsXXX\nXXXcommandXXX\n');
    const out = join(dir, 'run');
    const text = await runCli(['slurm', 'pick', join(dir, 'mics'), '--model', model, '--out', out, '--array', '3', '--time', '1:00:00', '--cpus-per-task', '2', '--template', template, '--format', 'star,box', '--border', '4', '--dry-run']);
    assert.match(text, /#SBATCH --account=lab42\n#SBATCH --array=1-3\n#SBATCH --time=1:00:00\n#SBATCH --cpus-per-task=2\n/);
    assert.match(text, / pick \S+mics --model \S+model\.onnx .*--format star,box --border 4 --shard "\$\{SLURM_ARRAY_TASK_ID\}\/3" --out \S+\/shards\/"shard-\$\{SLURM_ARRAY_TASK_ID\}-of-3" --resume --threads 2/);
    assert.match(text, / merge \S+shard-1-of-3 \S+shard-2-of-3 \S+shard-3-of-3 --out \S+run --report \S+report\.html --overwrite --format star,box\n/);
    assert.match(text, /--dependency=afterok:<array job id>/);
    await assert.rejects(runCli(['slurm', 'pick', join(dir, 'mics'), '--model', model, '--out', out, '--array', '0']), UsageError);
    await assert.rejects(runCli(['slurm', 'pick', join(dir, 'mics'), '--model', model, '--out', out, '--array', '2', '--resume']), /set by cryopick slurm pick/);
    await writeFile(template, '#SBATCH --qos=XXXqosXXX\nXXXcommandXXX\n');
    await assert.rejects(runCli(['slurm', 'pick', join(dir, 'mics'), '--model', model, '--out', out, '--array', '2', '--template', template]), ConfigError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
