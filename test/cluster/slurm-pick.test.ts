// Against a real single-node SLURM (started here, stopped after): a 4-task array over 16
// micrographs plus the dependent merge job gives exactly the single-process run; a task that
// fails (a broken micrograph) cancels the merge, and re-submitting runs only that shard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeMrc } from '../../src/io/mrc.js';
import { shardOf } from '../../src/pick/shard.js';
import { runCli, snapshotFiles, testMicrograph, writeTestMicrographs, writeTestModel } from '../_pick-fixture.js';
import { slurmSkipReason, startTestCluster, type TestCluster } from './_slurm.js';

const BIN = resolve('dist', 'src', 'cli', 'bin.js');
const run = promisify(execFile);
const skip = slurmSkipReason();

function logs(dir: string): string {
  const d = join(dir, 'slurm');
  if (!existsSync(d)) return '(no logs)';
  return readdirSync(d).filter((f) => /\.(out|err)$/.test(f)).map((f) => `--- ${f}\n${readFileSync(join(d, f), 'utf8').slice(-1500)}`).join('\n');
}

async function submit(cluster: TestCluster, args: readonly string[]): Promise<{ text: string; jobs: string[] }> {
  const { stdout } = await run(process.execPath, [BIN, 'slurm', 'pick', ...args, '--submit'], { env: cluster.env });
  return { text: stdout, jobs: [...stdout.matchAll(/job (\d+)/g)].map((m) => m[1] as string) };
}

test('SLURM array pick + merge equals a single-process run; resubmission runs only failed shards', { skip, timeout: 300_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cryopick-slurm-pick-'));
  let cluster: TestCluster | undefined;
  try {
    const model = await writeTestModel(join(dir, 'model.onnx'));
    const mics = await writeTestMicrographs(join(dir, 'mics'), 16);
    const pickArgs = [join(dir, 'mics'), '--model', model, '--format', 'star,cs,box', '--threshold', '-2', '--floor', '-8', '--workers', '1'];
    await runCli(['pick', ...pickArgs, '--out', join(dir, 'single')]);
    cluster = await startTestCluster();

    // micrograph 5 is broken at first: its task fails and the merge job is cancelled
    const broken = mics[5] as string;
    await writeFile(broken, 'not an MRC file');
    const runDir = join(dir, 'run');
    const slurmArgs = [...pickArgs, '--out', runDir, '--array', '4', '--cpus-per-task', '1', '--time', '10:00'];
    const first = await submit(cluster, slurmArgs);
    assert.match(first.text, /submitted array job \d+ \(all 4 shards; 16 micrographs\)/);
    assert.equal(first.jobs.length, 3, first.text);
    await cluster.waitForJobs([first.jobs[0]!, first.jobs[1]!], 180_000);
    const bad = shardOf(broken, 4);
    const states = [1, 2, 3, 4].map((k) => cluster!.jobState(`${first.jobs[0]}_${k}`));
    assert.deepEqual(states, [1, 2, 3, 4].map((k) => (k === bad ? 'FAILED' : 'COMPLETED')), logs(runDir));
    assert.equal(cluster.jobState(first.jobs[1]!), 'CANCELLED');
    assert.equal(existsSync(join(runDir, 'pick-run.json')), false);

    // fixed: the re-submission picks only the failed shard, and the merge runs
    await rm(broken);
    await writeMrc(broken, testMicrograph(5));
    const second = await submit(cluster, slurmArgs);
    assert.match(second.text, new RegExp(`1 unfinished shard\\(s\\) of 4 \\(${bad}\\)`));
    await cluster.waitForJobs(second.jobs.slice(0, 2), 180_000);
    assert.equal(cluster.jobState(second.jobs[1]!), 'COMPLETED', logs(runDir));
    assert.ok(existsSync(join(runDir, 'report.html')));
    const merged = await snapshotFiles(runDir, ['shards', 'slurm']);
    delete merged['report.html'];
    assert.deepEqual(merged, await snapshotFiles(join(dir, 'single')));
    assert.match(readFileSync(join(runDir, 'relion', 'mic_000_autopick.star'), 'utf8'), /_rlnAutopickFigureOfMerit/);
    assert.match(await runCli(['slurm', 'pick', ...slurmArgs]), /nothing to do: all 4 shards/);
  } finally {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
