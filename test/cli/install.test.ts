// The front door: from a clean copy of the repository, `npm ci && npx cryopick --help` works, and
// the packed tarball installs into an empty folder with the README's install line and runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../_paths.js';

const NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network/i;

/** The environment of a user's shell: without the npm_* variables of the `npm test` that runs us. */
function userEnv(logs: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  return { ...env, npm_config_logs_dir: logs, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_prefer_offline: 'true' };
}

function sh(line: string, cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync('sh', ['-c', line], { cwd, env, encoding: 'utf8', timeout: 480_000 });
}

/** The repository's own files (tracked and not ignored), never node_modules or dist. */
function sourceFiles(): string[] | undefined {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return r.stdout.split('\0').filter((f) => f !== '' && existsSync(join(REPO_ROOT, f)));
}

const files = sourceFiles();
const npmOk = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !npmOk ? 'skipped: npm is not on PATH' : files === undefined ? 'skipped: not a git checkout (the clean copy is made from git ls-files)' : false;

test('npm ci && npx cryopick --help in a clean copy; npm pack + the README install line in an empty folder', { skip, timeout: 900_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'cryopick-install-'));
  try {
    const env = userEnv(join(root, 'npm-logs'));
    const clone = join(root, 'clone');
    for (const f of files ?? []) {
      mkdirSync(dirname(join(clone, f)), { recursive: true });
      cpSync(join(REPO_ROOT, f), join(clone, f));
    }
    const ci = sh('npm ci', clone, env);
    if (ci.status !== 0 && NETWORK.test(ci.stderr)) { t.skip(`skipped: npm ci could not reach the npm registry (${ci.stderr.split('\n').find((l) => NETWORK.test(l))})`); return; }
    assert.equal(ci.status, 0, `npm ci failed:\n${ci.stderr}`);
    assert.doesNotMatch(ci.stderr + ci.stdout, /onnxruntime-node.*(download|fetch)|Downloading/i, 'onnxruntime-node must not download at install');
    // npx runs the clone's own bin only if the build made it executable (npx's cache may not do it)
    assert.ok((statSync(join(clone, 'dist', 'src', 'cli', 'bin.js')).mode & 0o111) !== 0, 'npm ci leaves dist/src/cli/bin.js executable');
    const help = sh('npx cryopick --help', clone, env);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: cryopick/);

    const pack = sh(`npm pack --pack-destination ${JSON.stringify(root)}`, clone, env);
    assert.equal(pack.status, 0, pack.stderr);
    const tarball = readdirSync(root).find((f) => /^cryopick-.*\.tgz$/.test(f));
    assert.ok(tarball, 'npm pack wrote a tarball');

    // the README's install line, with the tarball where it says /path/to/
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith('npm install --onnxruntime-node-install=skip '));
    assert.ok(line, 'README has the install line');
    const user = join(root, 'user');
    mkdirSync(user);
    const install = sh(line.replace(/\/path\/to\/cryopick-[^ ]*\.tgz/, JSON.stringify(join(root, tarball))), user, env);
    assert.equal(install.status, 0, `${line}\n${install.stderr}`);
    const userHelp = sh('npx cryopick --help', user, env);
    assert.equal(userHelp.status, 0, userHelp.stderr);
    assert.match(userHelp.stdout, /Usage: cryopick/);
    assert.ok(existsSync(join(user, 'node_modules', 'cryopick', 'dist', 'src', 'cli', 'bin.js')));
    assert.equal(existsSync(join(user, 'node_modules', 'cryopick', 'dist', 'test')), false, 'tests are not packed');
    // the general model ships in the package: pick with zero labels, nothing downloaded
    assert.ok(existsSync(join(user, 'node_modules', 'cryopick', 'models', 'general.onnx')), 'the general model is packed');
    const sim = sh('npx cryopick simulate --preset quick --count 1 --out sim', user, env);
    assert.equal(sim.status, 0, sim.stderr);
    const pick = sh('npx cryopick pick sim/micrographs -o picks --diameter-a 160 --threads 1', user, env);
    assert.equal(pick.status, 0, pick.stderr);
    assert.match(pick.stdout, /threshold .* from the score distribution|using the fixed threshold/);
    assert.match(pick.stdout, /[1-9]\d* particles at score >=/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
