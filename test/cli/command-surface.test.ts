// The command-line surface: every command and subcommand with its arguments and options (hidden
// ones and deprecated spellings included). A command or option that goes missing, for example when
// a command's registration is moved or loaded differently, fails here; new ones may be added freely.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';

/** `command path: arguments and options`, continuation lines indented (from `cryopick <command> --help`). */
const EXPECTED = `
demo: --out --seed --epochs --threads --no-overwrite
simulate: --out --preset --count --seed --size --pixel-size-a --particle-diameter-a --models --pdb
  --particles-per-micrograph --snr --defocus-min --defocus-max --astigmatism --b-factor-min --b-factor-max --voltage
  --cs --amplitude-contrast --dose --structural-noise --ice-gradient --ice-crystals --carbon --junk --aggregates
  --label-fraction --format --prefix --overwrite --quiet --pixel-size --particle-diameter
preprocess: <inputs...> --out --params --downsample --pixel-size --bin --lowpass --lowpass-resolution
  --lowpass-nyquist --highpass --highpass-resolution --highpass-nyquist --order --normalize --pixel-sampling
  --norm-iters --tolerance --alpha --beta --init-weights --seed --topaz-seeding --invert --float16 --threads
  --cache-dir --cache-key --overwrite --permissive --shard --quiet --scale --sample --niters
train: --config --out --overwrite --resume --quiet --permissive --micrographs --picks --negatives --empty-micrographs
  --picks-binning --test-micrographs --test-fraction --particle-diameter-px --expected-particles --downsample
  --normalize --pixel-sampling --norm-iters --lowpass --invert --family --model --passthrough --width-multiplier
  --object-weight --no-object-weight --coord-weight --warmup-epochs --input-size --rescore --patches --units --dropout
  --no-batch-norm --pooling --unit-scaling --encoder-units --init --loss --slack --autoencoder-weight --l2
  --label-radius-grid-px --negative-radius-grid-px --negative-weight --balance --class-weight --learning-rate
  --final-learning-rate --minibatch-size --epochs --epoch-size --mode --crop-size --crops-per-step --select-metric
  --threads --seed --particle-diameter-a --pixel-size-a --radius --particle-diameter --self-train
  --self-train-threshold --self-train-fraction --classifier --keep
pick: [micrographs...] --model --out --format --threshold --floor --diameter-px --diameter-a --pixel-size-a
  --min-distance-px --border-px --inference --tta --smooth --box-size --min-size --max-size --workers --resume
  --overwrite --skip-bad --permissive --shard --watch --idle-timeout --poll --device --threads --classifier --keep
  --diameter --min-distance --border --particle-diameter-px --particle-diameter-a
merge: <shards...> --out --format --threshold --box-size --report --overwrite
slurm:
slurm pick: [micrographs...] --model --out --format --threshold --floor --diameter-px --diameter-a --pixel-size-a
  --min-distance-px --border-px --inference --tta --smooth --box-size --min-size --max-size --workers --resume
  --overwrite --skip-bad --permissive --shard --watch --idle-timeout --poll --device --threads --classifier --keep
  --diameter --min-distance --border --particle-diameter-px --particle-diameter-a --array --partition --time
  --cpus-per-task --mem --template --submit --dry-run
relion:
relion pick: [unknown...] --o --in_mics --in_coords --in_parts --j --pipeline_control --particle_diameter --model
  --threshold --inference
relion train: [unknown...] --o --in_mics --in_coords --in_parts --j --pipeline_control --particle_diameter
  --expected_particles --epochs --downsample
threshold: <run> --out --threshold --count --precision --saved --ref --ref-format --ref-binning --diameter-px
  --match-radius-px --match --format --box-size --overwrite --diameter --radius --score
view: [micrographs...] --picks --picks-binning --run --train --ref --ref-binning --diameter-px --out --format
  --box-size --host --port --token --display-size --diameter
evaluate: --pred --ref --pred-format --ref-format --pred-binning --ref-binning --diameter-px --match-radius-px --iou
  --match --threshold --image-height --json --plot --per-micrograph --common --overwrite --diameter --radius
report: <dir> --out --threshold --ref --ref-format --ref-binning --diameter-px --previews --overwrite --diameter
cross-validate: --parameter --initial --increment --num-values --increments --folds --out --overwrite --quiet
  --micrographs --picks --negatives --empty-micrographs --picks-binning --test-micrographs --test-fraction
  --particle-diameter-px --expected-particles --downsample --normalize --pixel-sampling --norm-iters --lowpass
  --invert --family --model --passthrough --width-multiplier --object-weight --no-object-weight --coord-weight
  --warmup-epochs --input-size --rescore --patches --units --dropout --no-batch-norm --pooling --unit-scaling
  --encoder-units --init --loss --slack --autoencoder-weight --l2 --label-radius-grid-px --negative-radius-grid-px
  --negative-weight --balance --class-weight --learning-rate --final-learning-rate --minibatch-size --epochs
  --epoch-size --mode --crop-size --crops-per-step --select-metric --threads --seed --particle-diameter-a
  --pixel-size-a --radius --particle-diameter
tune: --config --strategy --max-trials --seed --space --max-epochs --factor --brackets --overwrite
create-train-config: --file --schema --overwrite
create-classifier-config: --file --overwrite
train-classifier: --config
classify: --model --input --micrographs --picks --picks-binning --format --class-column --threads --out
convert: <inputs...> --from --to --out --scale --flip-y --image-height --micrographs --threshold --box-size
  --pixel-size --voltage --per-micrograph --use-micrograph-names --drop-outside --require-match --permissive
  --overwrite
mrc-info: <files...> --strict --permissive --json
`;

function expected(): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of EXPECTED.split('\n').filter((l) => l.trim() !== '')) {
    if (line.startsWith(' ')) {
      current?.push(...line.trim().split(' '));
      continue;
    }
    const colon = line.indexOf(':');
    current = line.slice(colon + 1).split(' ').filter((w) => w !== '');
    entries.set(line.slice(0, colon), current);
  }
  return entries;
}

function surface(c: Command, prefix: string[] = []): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of c.commands) {
    const path = [...prefix, s.name()];
    const args = s.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`));
    out.set(path.join(' '), [...args, ...s.options.map((o) => (o.long ?? o.short) as string)]);
    for (const [k, v] of surface(s, path)) out.set(k, v);
  }
  return out;
}

test('every command, argument and option of the command line is still registered', () => {
  const actual = surface(buildProgram());
  const missing: string[] = [];
  for (const [name, words] of expected()) {
    const have = actual.get(name);
    if (have === undefined) {
      missing.push(`command '${name}'`);
      continue;
    }
    for (const w of words) if (!have.includes(w)) missing.push(`${name} ${w}`);
  }
  assert.deepEqual(missing, [], `missing from the command line: ${missing.join(', ')}`);
});

test('every command\'s action module loads and exports the action its registration names', async () => {
  const registry = new URL('../../src/cli/registry/', import.meta.url);
  const actions = readdirSync(registry).filter((f) => f.endsWith('.js'))
    .flatMap((f) => [...readFileSync(new URL(f, registry), 'utf8').matchAll(/import\('\.\.\/commands\/([\w-]+)\.js'\)\)\.(\w+)/g)])
    .map((m) => ({ module: m[1] as string, name: m[2] as string }));
  assert.ok(actions.length >= expected().size - 2, `${actions.length} lazily loaded actions found`);
  for (const a of actions) {
    const mod = (await import(new URL(`../commands/${a.module}.js`, registry).href)) as Record<string, unknown>;
    assert.equal(typeof mod[a.name], 'function', `commands/${a.module}.js exports ${a.name}`);
  }
});
