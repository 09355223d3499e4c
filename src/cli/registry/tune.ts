// `cryopick tune --config config.json`: its options and help; what it does is
// ../commands/tune.ts, imported when it runs.
import type { Command } from 'commander';
import { lazyAction } from './_lazy-action.js';

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
    .action(lazyAction(async () => (await import('../commands/tune.js')).tuneAction));
}
