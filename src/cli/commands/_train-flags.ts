// The `train` flags: one per training parameter (kebab-case of the schema field), converted to
// the parameter object that parseTrainParams validates (numbers parsed here, ranges there).
import type { Command } from 'commander';
import { parseNumberFlag } from './_options.js';
import { UsageError } from '../../errors.js';
import { GENERAL_MODEL, resolveModelPath } from '../../pick/general-model.js';
import { readFileSync } from 'node:fs';
import { CANONICAL_DIAMETER_GRID_PX, canonicalFactor } from '../../pick/canonical-scale.js';
import { addRenamedFlags, applyRenamedFlags, type RenamedFlag } from './_renamed.js';
import type { TrainParamsInput } from '../../train/params.js';
import { FINETUNE_EPOCHS } from '../../train/fine-tune-defaults.js';
import { SELF_TRAIN_EPOCHS } from '../../train/self-train-defaults.js';

export interface TrainFlag {
  readonly key: keyof TrainParamsInput;
  readonly flag: string;
  readonly kind: 'number' | 'string' | 'boolean';
  readonly help: string;
  readonly variadic?: boolean;
  readonly short?: string;
  readonly negate?: boolean;
}

const n = (key: keyof TrainParamsInput, flag: string, help: string, short?: string): TrainFlag =>
  ({ key, flag, kind: 'number', help, ...(short ? { short } : {}) });
const s = (key: keyof TrainParamsInput, flag: string, help: string): TrainFlag => ({ key, flag, kind: 'string', help });

export const TRAIN_FLAGS: readonly TrainFlag[] = [
  { key: 'micrographs', flag: 'micrographs', kind: 'string', variadic: true, help: 'micrograph files or folders (.mrc, .tif, .png, ...)' },
  { key: 'picks', flag: 'picks', kind: 'string', variadic: true, help: 'coordinate files or folders (STAR, box, cbox, Topaz, .cs, CSV)' },
  { key: 'negatives', flag: 'negatives', kind: 'string', variadic: true, help: 'known negatives: coordinate files or folders of background, carbon, ice or junk locations (any pick format; disks of --negative-radius-grid-px are trained as non-particle)' },
  { key: 'emptyMicrographs', flag: 'empty-micrographs', kind: 'string', variadic: true, help: 'micrographs without particles (file names, or .txt files listing one a line; e.g. the viewer\'s "no particles" mark): every pixel is trained as non-particle' },
  n('picksBinning', 'picks-binning', 'binning of the pick coordinates relative to the micrographs (default 1)'),
  { key: 'testMicrographs', flag: 'test-micrographs', kind: 'string', variadic: true, help: 'micrograph names held out as the test split' },
  n('testFraction', 'test-fraction', 'fraction of micrographs held out for testing when no test micrographs are named (default 0.2; 0 = none)'),
  n('particleDiameter', 'particle-diameter-px', 'particle diameter in original-micrograph pixels (stored in the model for picking); or --particle-diameter-a'),
  n('expectedParticles', 'expected-particles', 'REQUIRED for the topaz family: expected number of particles per micrograph', 'n'),
  n('downsample', 'downsample', 'downsampling factor (Fourier cropping; default 4)'),
  s('normalize', 'normalize', 'micrograph normalisation: gmm (Topaz), standard, none (default gmm)'),
  n('pixelSampling', 'pixel-sampling', 'GMM normalisation pixel sampling factor (default 10)'),
  n('normIters', 'norm-iters', 'GMM normalisation: maximum iterations (default 100)'),
  n('lowpass', 'lowpass', 'degree of lowpass filtering: cut-off as a fraction of Nyquist, 0 = off (default 0)'),
  { key: 'invert', flag: 'invert', kind: 'boolean', help: 'invert contrast after normalising' },
  s('family', 'family', 'picker family: topaz (per-pixel positive-unlabelled classifier, default) or yolo (crYOLO box detector: needs --particle-diameter-px or -a, not --expected-particles)'),
  s('model', 'model', 'architecture: resnet8 (RF 71), resnet16 (91), conv31, conv63, conv127 (default resnet8)'),
  s('passthrough', 'passthrough', 'yolo: upsample (PhosaurusNet, grid stride 16, default) or reorg (YOLOv2 space-to-depth, stride 32)'),
  n('widthMultiplier', 'width-multiplier', 'yolo: filters × this (1 = the paper\'s network; default 0.5, the fastest within 0.02 validation AP of 1)'),
  n('objectWeight', 'object-weight', 'yolo loss: weight of cells holding a pick (default 5, crYOLO)'),
  n('noObjectWeight', 'no-object-weight', 'yolo loss: weight of empty cells (default 1; lower it, e.g. 0.5, when picks are sparse)'),
  n('coordWeight', 'coord-weight', 'yolo loss: weight of the centre and size terms (default 1)'),
  n('warmupEpochs', 'warmup-epochs', 'yolo: epochs at the start in which box sizes are not learned (default 1)'),
  n('inputSize', 'input-size', 'yolo: crYOLO\'s input size: downsample so the micrographs\' short side is this many pixels (a multiple of 32, e.g. 1024), instead of --downsample'),
  { key: 'rescore', flag: 'rescore', kind: 'boolean', help: 'yolo: YOLOv2/crYOLO rescore, object cells learn the IoU of predicted and true box as their confidence target (the default)' },
  { key: 'rescore', flag: 'rescore', kind: 'boolean', negate: true, help: 'yolo: confidence target 1 for object cells instead of the IoU (rescore off)' },
  n('ignoreIou', 'ignore-iou', 'yolo loss: empty cells whose predicted box overlaps a true box by this IoU are not penalised (crYOLO 0.6; 1 = off)'),
  n('weightAverage', 'weight-average', 'yolo: decay of the moving average of the weights that is evaluated and exported, e.g. 0.995 (0 = off)'),
  n('patches', 'patches', 'yolo, with --input-size: crYOLO\'s patch mode, the micrograph as N × N patches of the input size (default 1)'),
  n('units', 'units', 'units in the base layer (default 32)'),
  n('dropout', 'dropout', 'dropout rate (resnets; default 0)'),
  { key: 'batchNorm', flag: 'batch-norm', kind: 'boolean', negate: true, help: 'turn batch normalisation off' },
  s('pooling', 'pooling', 'pooling: none, max (resnets), average (conv models) (default none)'),
  n('unitScaling', 'unit-scaling', 'conv models: channel multiplier per layer (default 2)'),
  n('encoderUnits', 'encoder-units', 'autoencoder: decoder base units (encoder network unit scaling; default 32)'),
  s('init', 'init', 'fine-tune from an existing cryopick model (.onnx), or general: the general model shipped with cryopick (a general model needs the particle diameter; downsampling defaults to its canonical scale, diameter / 18); with --self-train, the model that picks the first round (default general)'),
  s('loss', 'loss', 'objective: GE-binomial (default), GE-KL, PU (non-negative risk), PN'),
  n('slack', 'slack', 'GE penalty weight; -1 = method default (GE-binomial 1, GE-KL 10)'),
  n('autoencoderWeight', 'autoencoder-weight', 'autoencoder loss weight (0 = off; ~10/N for N <= 250 labels)'),
  n('l2', 'l2', 'L2 regularisation (default 0)'),
  n('radius', 'label-radius-grid-px', 'positive labelling radius in downsampled (working-grid) pixels (default 3)', 'r'),
  n('negativeRadius', 'negative-radius-grid-px', 'radius of the known-negative disk around a negative pick, downsampled pixels (default: --label-radius-grid-px)'),
  n('negativeWeight', 'negative-weight', 'weight γ of the known negatives: adds γ·(1−π)·BCE(negatives) (PN, PU) or γ·BCE(negatives) (GE) (default 1)'),
  n('balance', 'balance', 'fraction of positives per minibatch (patch mode; default 0.0625)'),
  n('classWeight', 'class-weight', 'weight of the positive class, for sparse particles (default 1)'),
  n('learningRate', 'learning-rate', 'initial learning rate (default 1e-3 dense, decaying to 1e-4; 2e-4 patch as in Topaz)'),
  n('finalLearningRate', 'final-learning-rate', 'final learning rate: linear decay from the initial one (default: 1e-4 in dense mode when no learning rate is given, else no decay)'),
  n('minibatchSize', 'minibatch-size', 'patches per step in patch mode (default 256)'),
  n('epochs', 'epochs', `number of epochs (default 10; ${FINETUNE_EPOCHS} when fine-tuning with --init, ${SELF_TRAIN_EPOCHS} per --self-train round)`),
  n('epochSize', 'epoch-size', 'parameter updates per epoch (default 40 dense, 1000 patch as in Topaz, 80 yolo)'),
  s('mode', 'mode', 'dense (crops, a logit per pixel) or patch (Topaz: one logit per patch)'),
  n('cropSize', 'crop-size', 'dense mode and yolo: crop side in downsampled pixels (default 192; yolo: the network input, a multiple of 32)'),
  n('cropsPerStep', 'crops-per-step', 'dense mode and yolo: crops per step (default 2)'),
  s('selectMetric', 'select-metric', 'metric choosing the exported epoch: auprc (default) or precision (pixel metrics, as Topaz), or ap (particle AP of the picks on the test split: NMS at 0.5 × diameter, match within 0.25 × diameter; needs the particle diameter)'),
  n('threads', 'threads', 'CPU threads (0 = all cores)'),
  n('seed', 'seed', 'random seed (default 0)'),
];

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Commander's option values → parameter object (numbers parsed; unknown values left to zod). */
export function flagsToParams(flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of TRAIN_FLAGS) {
    const v = flags[camel(f.flag)];
    if (v === undefined) continue;
    if (f.negate) { if (v === false) out[f.key] = false; continue; }
    if (f.kind === 'number') {
      out[f.key] = parseNumberFlag(v, `--${f.flag}`);
    } else {
      out[f.key] = v;
    }
  }
  return out;
}

/** Old spellings of training flags (one release): sizes now say their unit. */
export const TRAIN_RENAMED: readonly RenamedFlag[] = [
  { old: 'radius', now: 'label-radius-grid-px' },
  { old: 'particle-diameter', now: 'particle-diameter-px' },
];

/** Registers every training flag on `cmd` (train, cross-validate), with the Å form of the diameter and the old spellings. */
export function registerTrainFlags(cmd: Command): void {
  for (const f of TRAIN_FLAGS) {
    if (f.negate) cmd.option(`--no-${f.flag}`, f.help);
    else cmd.option(`${f.short ? `-${f.short}, ` : ''}--${f.flag} ${f.variadic ? '<values...>' : f.kind === 'boolean' ? '' : '<value>'}`.trim(), f.help);
  }
  cmd.option('--particle-diameter-a <A>', 'particle diameter in Å (converted with --pixel-size-a or the pixel size in the micrographs\' MRC header)');
  cmd.option('--pixel-size-a <A>', 'pixel size of the micrographs in Å (default: from their MRC header), for --particle-diameter-a');
  addRenamedFlags(cmd, TRAIN_RENAMED);
}

/** The command's flags → parameter object: old spellings mapped, a diameter in Å converted to original pixels. */
export async function trainFlagsToParams(flags: Record<string, unknown>): Promise<Record<string, unknown>> {
  applyRenamedFlags(flags, TRAIN_RENAMED);
  // the micrograph readers load here, not when `train` and `cross-validate` register these flags
  const [{ listMicrographs }, { diameterPxFromA }] = await Promise.all([import('../../io/micrograph-inputs.js'), import('./_units.js')]);
  const micrographs = (): string[] => (Array.isArray(flags['micrographs']) ? listMicrographs(flags['micrographs'] as string[]) : []);
  const diameterPx = await diameterPxFromA(flags, { px: 'particle-diameter-px', a: 'particle-diameter-a' }, micrographs);
  const params = flagsToParams(flags);
  const withDiameter = diameterPx === undefined ? params : { ...params, particleDiameter: diameterPx };
  const init = params['init'];
  if (init === GENERAL_MODEL) return initScaleFree(withDiameter, resolveModelPath(GENERAL_MODEL), CANONICAL_DIAMETER_GRID_PX);
  const canonical = typeof init === 'string' ? await canonicalSizeOf(init) : undefined;
  return canonical === undefined ? withDiameter : initScaleFree(withDiameter, init as string, canonical);
}

/** The canonical particle size of a scale-free model file (undefined for other models, or a file the trainer will report on). */
async function canonicalSizeOf(path: string): Promise<number | undefined> {
  const { readModelFile } = await import('../../models/model-file.js'); // zod and onnx-proto load only for --init
  try {
    const input = readModelFile(new Uint8Array(readFileSync(path)), path).input as { canonicalDiameterGridPx?: number } | undefined;
    return input?.canonicalDiameterGridPx;
  } catch {
    return undefined;
  }
}

/** `--init` with a scale-free model (general): its file, and (unless given) the downsampling that brings the particle to its canonical size. */
function initScaleFree(params: Record<string, unknown>, path: string, canonical: number): Record<string, unknown> {
  const d = params['particleDiameter'];
  if (typeof d !== 'number') throw new UsageError(`--init ${params['init'] === GENERAL_MODEL ? GENERAL_MODEL : path} needs the particle diameter (--particle-diameter-px or --particle-diameter-a): a general model works at a canonical particle size`);
  return { ...params, init: path, ...(params['downsample'] === undefined ? { downsample: canonicalFactor(d, canonical) } : {}) };
}
