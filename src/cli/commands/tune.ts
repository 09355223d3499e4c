// `cryopick tune --config config.json`: the config-driven pipeline with tuning switched on
// (random search, Bayesian optimisation or Hyperband), then final training and test evaluation.
import { UsageError } from '../../errors.js';
import { runTrainPipeline } from '../../tune/pipeline.js';
import { searchSpaceSchema } from '../../tune/space.js';
import type { PipelineConfig } from '../../tune/config-schema.js';
import { installInterrupt, SEARCH_THEN_TRAIN } from './_interrupt.js';
import { parseNumberFlag } from './_options.js';

const int = (v: unknown, flag: string): number => parseNumberFlag(v, `--${flag}`, Number.isInteger, 'an integer') as number;

export async function tuneAction(flags: Record<string, unknown>): Promise<void> {
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
}

