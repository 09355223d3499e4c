// A tiny simulated dataset (5 micrographs of 256²) and a matching pipeline config, written into
// `dir` for the end-to-end pipeline tests (library and CLI); callers override sections they test.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS, simulateDataset } from '../../src/sim/index.js';

export interface TinyPipelineOverrides {
  readonly tuning?: Record<string, unknown>;
  readonly training?: Record<string, unknown>;
  readonly runName: string;
  readonly lrScheduler: Record<string, unknown>;
}

/** Simulates the data into dir/sim and writes dir/config.json; returns the config's path. */
export async function writeTinyPipeline(dir: string, seed: number, o: TinyPipelineOverrides): Promise<string> {
  await simulateDataset({ outDir: join(dir, 'sim'), params: { ...PRESETS.quick.params, width: 256, height: 256, particlesPerMicrograph: 10, junkPerMicrograph: 0, labelFraction: 0.6 }, count: 5, seed });
  const config = {
    data: { micrographs: ['sim/micrographs'], picks: ['sim/picks'], testFraction: 0.2, downsample: 2, normalize: 'standard', particleDiameter: 40 },
    tuning: { enabled: false, strategy: 'random', maxTrials: 2, epochsPerTrial: 1, validationFraction: 0.3, space: { learningRate: { type: 'log-uniform', min: 1e-4, max: 1e-3 } }, ...o.tuning },
    training: { epochs: 1, patience: 0, validationFraction: 0.3, ...o.training },
    shared: { expectedParticles: 10, units: 8, epochSize: 2, cropSize: 80, cropsPerStep: 2, threads: 1, outputDir: 'out', runName: o.runName },
    lrScheduler: o.lrScheduler,
  };
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}
