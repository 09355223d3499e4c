// Pipeline config: the template is valid and complete, every problem is reported at once with
// its JSON path and allowed values, comments are ignored, and the JSON Schema matches the template.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderConfigTemplate, pipelineJsonSchema } from '../../src/tune/config-template.js';
import { loadPipelineConfig, parsePipelineConfig, stripComments } from '../../src/tune/config-load.js';
import { ConfigError, FormatError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';
import { writeTrainConfigTemplate } from '../../src/cli/commands/create-train-config.js';

const template = (): Record<string, Record<string, unknown>> => JSON.parse(renderConfigTemplate()) as Record<string, Record<string, unknown>>;

test('the template parses, has every section and documents every field', () => {
  const t = template();
  for (const s of ['data', 'tuning', 'training', 'shared', 'lrScheduler']) assert.ok(t[s], `section ${s}`);
  for (const [name, sec] of Object.entries(t)) {
    if (typeof sec !== 'object' || sec === null || name === 'lrScheduler') continue;
    for (const k of Object.keys(sec)) if (!k.startsWith('//')) assert.ok(`//${k}` in sec, `${name}.${k} has a comment`);
  }
  const c = parsePipelineConfig(t, 'template', '/base');
  assert.equal(c.data.micrographs[0], '/base/micrographs');
  assert.equal(c.shared.expectedParticles, 300);
  assert.equal(c.lrScheduler.kind, 'plateau');
  assert.match(String(t.lrScheduler?.['//']), /sgdr: minLr=0.001/);
});

test('config errors: all at once, with JSON paths and allowed values', () => {
  const t = template();
  (t.tuning as Record<string, unknown>).strategy = 'grid';
  (t.data as Record<string, unknown>).testFraction = 2;
  (t.shared as Record<string, unknown>).model = 'resnet9';
  (t.shared as Record<string, unknown>).colour = 'blue';
  (t.lrScheduler as Record<string, unknown>) = { kind: 'cosine' };
  (t.tuning as Record<string, unknown>).space = { learningRate: { type: 'log-uniform', min: 1e-2, max: 1e-4 } };
  try {
    parsePipelineConfig(t);
    assert.fail('expected ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const byPath = new Map(err.problems.map((p) => [p.path, p.message]));
    assert.match(byPath.get('tuning.strategy') ?? '', /random.*bayesian.*hyperband/);
    assert.ok(byPath.has('data.testFraction'));
    assert.match(byPath.get('shared.model') ?? '', /resnet8/);
    assert.match(byPath.get('shared') ?? '', /unknown key "colour"; allowed: model, units/);
    assert.match(byPath.get('lrScheduler.kind') ?? '', /allowed: constant, step, exponential, linear, plateau, cyclic, sgdr/);
    assert.ok([...byPath.keys()].some((p) => p.startsWith('tuning.space.learningRate')));
    assert.ok(err.problems.length >= 6, err.message);
  }
});

test('cross checks: unknown or mistyped search parameters, forbidden combinations', () => {
  const t = template();
  (t.tuning as Record<string, unknown>).space = {
    wibble: { type: 'uniform', min: 0, max: 1 },
    epochs: { type: 'uniform', min: 1, max: 10 },
    loss: { type: 'choice', values: ['PU', 'XX'] },
  };
  (t.shared as Record<string, unknown>).pooling = 'average';
  const err = (() => { try { parsePipelineConfig(t); } catch (e) { return e; } return undefined; })();
  assert.ok(err instanceof ConfigError);
  const paths = err.problems.map((p) => p.path);
  assert.ok(paths.includes('tuning.space.wibble'));
  assert.ok(paths.includes('tuning.space.epochs'));
  assert.ok(paths.includes('tuning.space.loss'));
  assert.ok(paths.includes('shared.pooling'));
});

test('comment keys are ignored at any depth; bad JSON is a FormatError with a line', async () => {
  assert.deepEqual(stripComments({ '//': 'x', a: { '//b': 'y', b: [{ '//': 1, c: 2 }] } }), { a: { b: [{ c: 2 }] } });
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-cfg-'));
  try {
    writeFileSync(join(dir, 'bad.json'), '{\n "data": {\n  "micrographs": [,]\n }\n}');
    await assert.rejects(loadPipelineConfig(join(dir, 'bad.json')), (e: unknown) => e instanceof FormatError && e.location.line === 3);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('JSON Schema: every section present, comment keys allowed, required fields listed', () => {
  const s = pipelineJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown>; required?: string[]; patternProperties?: unknown }>; required: string[] };
  assert.deepEqual(Object.keys(s.properties).filter((k) => k !== '$schema').sort(), ['data', 'lrScheduler', 'shared', 'training', 'tuning']);
  assert.ok(s.properties.data?.required?.includes('micrographs'));
  // required unless the family is yolo
  assert.deepEqual((s.properties.shared as { else?: { required?: string[] } }).else?.required, ['expectedParticles']);
  assert.ok(s.properties.data?.patternProperties);
  for (const k of Object.keys(template().shared ?? {})) if (!k.startsWith('//')) assert.ok(k in (s.properties.shared?.properties ?? {}), k);
});

test('cryopick create-train-config writes the template and schema, refuses to overwrite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryopick-cfg-'));
  const err = process.stderr.write.bind(process.stderr);
  try {
    const file = join(dir, 'config.json');
    await writeTrainConfigTemplate(file);
    const t = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(t.$schema, './config.schema.json');
    assert.ok(JSON.parse(readFileSync(join(dir, 'config.schema.json'), 'utf8')));
    let written = '';
    process.stderr.write = ((s: string) => { written += s; return true; }) as typeof process.stderr.write;
    const code = await main(['create-train-config', '--file', file]);
    process.stderr.write = err;
    assert.equal(code, 1);
    assert.match(written, /already exists/);
    await writeTrainConfigTemplate(file, { overwrite: true });
  } finally {
    process.stderr.write = err;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tune and cross-validate CLIs: usage errors exit 2 with a message', async () => {
  const err = process.stderr.write.bind(process.stderr);
  let written = '';
  process.stderr.write = ((s: string) => { written += s; return true; }) as typeof process.stderr.write;
  try {
    assert.equal(await main(['tune', '--config', 'x.json', '--strategy', 'grid']), 2);
    assert.match(written, /--strategy: expected random, bayesian or hyperband/);
    assert.equal(await main(['tune', '--config', 'x.json', '--space', '{"lr":{"type":"uniform","min":1,"max":0}}']), 2);
    assert.equal(await main(['cross-validate', '--parameter', 'learning-rate', '--initial', '0.0001', '--increment', '0.0001', '-o', 'cv']), 2);
    assert.match(written, /needs --micrographs and --picks/);
  } finally {
    process.stderr.write = err;
  }
});
