// The registry of CLI commands, in the order `cryopick --help` lists them. Each module here declares
// its command (arguments, options, help) and imports what the command does (../commands/) only when it runs.
import type { Command } from 'commander';
import { register as mrcInfo } from './mrc-info.js';
import { register as convert } from './convert.js';
import { register as preprocess } from './preprocess.js';
import { register as simulate } from './simulate.js';
import { register as train } from './train.js';
import { register as pick } from './pick.js';
import { register as merge } from './merge.js';
import { register as slurm } from './slurm.js';
import { register as relion } from './relion.js';
import { register as threshold } from './threshold.js';
import { register as evaluate } from './evaluate.js';
import { register as report } from './report.js';
import { register as crossValidate } from './cross-validate.js';
import { register as tune } from './tune.js';
import { register as createTrainConfig } from './create-train-config.js';
import { register as demo } from './demo.js';
import { register as createClassifierConfig } from './create-classifier-config.js';
import { register as trainClassifier } from './train-classifier.js';
import { register as classify } from './classify.js';
import { register as view } from './view.js';

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  demo, simulate, preprocess, train, pick, merge, slurm, relion, threshold, view, evaluate, report,
  crossValidate, tune, createTrainConfig, createClassifierConfig, trainClassifier, classify, convert, mrcInfo,
];
