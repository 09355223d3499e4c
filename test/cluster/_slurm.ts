// A real single-node SLURM for tests: writes a slurm.conf for this machine (localhost, its CPUs,
// free ports), starts munged, slurmctld and slurmd in a private state folder, and stops exactly
// those daemons (by pid) and removes the folder afterwards. Needs root and Debian's slurmctld,
// slurmd, slurm-client and munge packages (.ci/run installs them when it can).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, hostname, tmpdir } from 'node:os';
import { join, delimiter } from 'node:path';
import { randomBytes } from 'node:crypto';

const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo'];

function onPath(name: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.some((d) => d !== '' && existsSync(join(d, name)));
}

/** Why a real SLURM cannot be started here, or undefined when it can. */
export function slurmSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'skipped: the SLURM test needs Linux';
  if (process.getuid?.() !== 0) return 'skipped: starting munged, slurmctld and slurmd needs root';
  const missing = BINARIES.filter((b) => !onPath(b));
  if (missing.length > 0) return `skipped: ${missing.join(', ')} not installed (apt-get install -y slurmctld slurmd slurm-client munge; .ci/run does this as root)`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestCluster {
  /** Environment for sbatch/squeue/...: SLURM_CONF points at this cluster. */
  readonly env: NodeJS.ProcessEnv;
  readonly root: string;
  /** Runs a SLURM client command against this cluster; returns stdout. */
  client(cmd: string, args: readonly string[]): string;
  /** Waits until none of `jobs` is queued or running. @throws after `timeoutMs`. */
  waitForJobs(jobs: readonly string[], timeoutMs: number): Promise<void>;
  /** The JobState of a finished or running job (e.g. COMPLETED, FAILED, CANCELLED). */
  jobState(job: string): string;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function slurmConf(root: string, host: string, ports: readonly [number, number], cpuCount: number): string {
  return [
    'ClusterName=cryopicktest', `SlurmctldHost=${host}(127.0.0.1)`, `SlurmctldPort=${ports[0]}`, `SlurmdPort=${ports[1]}`,
    'SlurmUser=root', 'SlurmdUser=root', 'AuthType=auth/munge', 'CredType=cred/munge', `AuthInfo=socket=${join(root, 'munge', 'sock')}`,
    `StateSaveLocation=${join(root, 'state')}`, `SlurmdSpoolDir=${join(root, 'spool')}`,
    `SlurmctldPidFile=${join(root, 'slurmctld.pid')}`, `SlurmdPidFile=${join(root, 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(root, 'log', 'slurmctld.log')}`, `SlurmdLogFile=${join(root, 'log', 'slurmd.log')}`,
    'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'JobAcctGatherType=jobacct_gather/none', 'AccountingStorageType=accounting_storage/none',
    'MpiDefault=none', 'SwitchType=switch/none', 'SchedulerType=sched/backfill', 'SelectType=select/cons_tres', 'SelectTypeParameters=CR_CPU',
    'ReturnToService=2', 'MinJobAge=600', 'KillWait=5', 'SlurmctldTimeout=30', 'SlurmdTimeout=30', 'MailProg=/bin/true',
    `NodeName=cryopick-node NodeHostname=${host} NodeAddr=127.0.0.1 CPUs=${cpuCount} State=UNKNOWN`,
    'PartitionName=test Nodes=cryopick-node Default=YES MaxTime=INFINITE State=UP', '',
  ].join('\n');
}

/** Starts the cluster; waits until its node is idle. Call stop() in a finally block. */
export async function startTestCluster(cpuCount = Math.min(2, cpus().length)): Promise<TestCluster> {
  const root = mkdtempSync(join(tmpdir(), 'cryopick-slurm-'));
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(join(root, d));
  chmodSync(join(root, 'munge'), 0o700);
  writeFileSync(join(root, 'munge', 'munge.key'), randomBytes(1024), { mode: 0o400 });
  const conf = join(root, 'slurm.conf');
  writeFileSync(conf, slurmConf(root, hostname(), [await freePort(), await freePort()], cpuCount));
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons: ChildProcess[] = [];
  const start = (cmd: string, args: readonly string[]): void => {
    const log = openSync(join(root, 'log', `${cmd}.out`), 'a');
    daemons.push(spawn(cmd, args, { env, stdio: ['ignore', log, log] }));
    closeSync(log);
  };
  const m = join(root, 'munge');
  const cluster: TestCluster = {
    env, root,
    client: (cmd, args) => execFileSync(cmd, args, { env, encoding: 'utf8' }),
    async waitForJobs(jobs, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (cluster.client('squeue', ['-h', '-j', jobs.join(','), '-o', '%i']).trim() !== '') {
        if (Date.now() > until) throw new Error(`SLURM jobs ${jobs.join(', ')} not finished after ${timeoutMs / 1000} s:\n${cluster.client('squeue', ['-a'])}`);
        await sleep(1000);
      }
    },
    jobState: (job) => /JobState=(\S+)/.exec(cluster.client('scontrol', ['show', 'job', job]))?.[1] ?? 'UNKNOWN',
    async stop() {
      try {
        execFileSync('scancel', ['--user=root'], { env, stdio: 'ignore', timeout: 10_000 });
        for (let i = 0; i < 20 && cluster.client('squeue', ['-h', '-o', '%i']).trim() !== ''; i++) await sleep(500);
      } catch { /* controller already gone */ }
      for (const d of [...daemons].reverse()) {
        if (d.exitCode !== null || d.signalCode !== null) continue;
        const exited = new Promise<void>((r) => d.once('exit', () => r()));
        d.kill('SIGTERM');
        await Promise.race([exited, sleep(10_000)]);
        if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    start('munged', ['-F', '-f', `--socket=${join(m, 'sock')}`, `--key-file=${join(m, 'munge.key')}`, `--pid-file=${join(m, 'munged.pid')}`, `--seed-file=${join(m, 'seed')}`, `--log-file=${join(m, 'munged.log')}`]);
    for (let i = 0; i < 50 && !existsSync(join(m, 'sock')); i++) await sleep(100);
    start('slurmctld', ['-D', '-i', '-f', conf]);
    start('slurmd', ['-D', '-f', conf, '-N', 'cryopick-node']);
    const until = Date.now() + 30_000;
    for (;;) {
      let state = '';
      try { state = cluster.client('sinfo', ['-h', '-o', '%t']).trim(); } catch { /* controller not up yet */ }
      if (state === 'idle') break;
      if (Date.now() > until) {
        const log = (f: string): string => (existsSync(join(root, 'log', f)) ? readFileSync(join(root, 'log', f), 'utf8').slice(-2000) : '');
        throw new Error(`the test SLURM node did not become idle in 30 s (state '${state}'):\n${log('slurmctld.out')}\n${log('slurmd.out')}`);
      }
      await sleep(500);
    }
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
