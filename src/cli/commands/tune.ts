// `cryopick tune --config config.json`: the config-driven pipeline with tuning switched on
// (random search, Bayesian optimisation or Hyperband), then final training and test evaluation.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { runTrainPipeline } from '../../tune/pipeline.js';
import { searchSpaceSchema } from '../../tune/space.js';
import type { PipelineConfig } from '../../tune/config-schema.js';
import { installInterrupt, SEARCH_THEN_TRAIN } from './_interrupt.js';
import { parseNumberFlag } from './_options.js';

const int = (v: unknown, flag: string): number => parseNumberFlag(v, `--${flag}`, Number.isInteger, 'an integer') as number;

export function register(program: Command): void {
  program
    .command('tune')
    .description('search training hyperparameters (random, Bayesian GP, Hyperband) from a config file, then train the final model with the best and evaluate it')
    .requiredOption('--config <file>', 'pipeline config (write one with `cryopick create-train-config --file config.json`)')
    .option('--strategy <name>', 'random | bayesian | hyperband (default: the config\'s tuning.strategy)')
    .option('--max-trials <n>', 'trial budget of random and bayesian search (hyperband: set by --max-epochs, --factor, --brackets)')
    .option('--seed <n>', 'search seed')
    .option('--space <json>', 'search space as JSON, e.g. \'{"learningRate":{"type":"log-uniform","min":1e-5,"max":1e-2}}\'')
    .option('--max-epochs <n>', 'hyperband R (most epochs per configuration)')
    .option('--factor <n>', 'hyperband reduction factor η')
    .option('--brackets <n>', 'hyperband: number of brackets to run')
    .option('--overwrite', 'discard the saved search state (and an existing run folder of the same name) and start afresh')
    .addHelpText('after', `
The search state is saved in <outputDir>/tuning/state.json after every trial; rerunning the same command resumes.
Ctrl+C once: the running trial is abandoned (it reruns on resume) and the final model is trained with the best
parameters so far; if no trial has finished, tune says so and exits. Ctrl+C during final training stops it
gracefully (best epoch exported); a further Ctrl+C quits at once.
Hyperband follows Li et al. (synchronous successive halving, n = ⌈(s_max+1)η^s/(s+1)⌉ configurations at R·η^−s epochs);
keras-tuner's variant (used by Capfinder) sizes brackets differently and promotes asynchronously.`)
    .action(async (flags: Record<string, unknown>) => {
      const o: Partial<PipelineConfig['tuning']> & Record<string, unknown> = {};
      if (flags['strategy'] !== undefined) {
        const s = String(flags['strategy']);
        if (s !== 'random' && s !== 'bayesian' && s !== 'hyperband') throw new UsageError(`--strategy: expected random, bayesian or hyperband, got '${s}'`);
        o.strategy = s;
      }
      if (flags['maxTrials'] !== undefined) o.maxTrials = int(flags['maxTrials'], 'max-trials');
      if (flags['seed'] !== undefined) o.seed = int(flags['seed'], 'seed');
      if (flags['maxEpochs'] !== undefined) o.maxEpochs = int(flags['maxEpochs'], 'max-epochs');
      if (flags['factor'] !== undefined) o.factor = int(flags['factor'], 'factor');
      if (flags['brackets'] !== undefined) o.brackets = int(flags['brackets'], 'brackets');
      if (flags['space'] !== undefined) {
        let raw: unknown;
        try { raw = JSON.parse(String(flags['space'])); } catch (e) { throw new UsageError(`--space: not valid JSON (${(e as Error).message})`); }
        const r = searchSpaceSchema.safeParse(raw);
        if (!r.success) throw new UsageError(`--space: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        o.space = r.data as PipelineConfig['tuning']['space'];
      }
      const stop = installInterrupt(SEARCH_THEN_TRAIN);
      try {
        const r = await runTrainPipeline(String(flags['config']), {
          tune: true, tuningOverrides: o, signal: stop.signal(0), finalSignal: stop.signal(1), overwrite: flags['overwrite'] === true,
          onStage: (stage) => { if (stage === 'final') stop.advance(); },
          onMessage: (m) => process.stderr.write(`${m}\n`),
        });
        if (r.final) process.stdout.write(`model: ${r.final.modelPath}\nrun: ${r.runDir}\n`);
      } finally {
        stop.dispose();
      }
    });
}
