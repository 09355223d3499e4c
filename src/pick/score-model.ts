// What picking needs from a model: the preprocessing to replay and score maps (dense, and
// optionally strided). loadScoreModel adapts a cryopick .onnx picker to this interface.
import { readFile } from 'node:fs/promises';
import type { Image2D } from '../image/image.js';
import { parsePreprocessParams, type PreprocessParams } from '../image/preprocess-params.js';
import { parseModel } from '../engine/onnx-serialize.js';
import type { RuntimeOptions } from '../engine/runtime.js';
import { loadPickerModel } from '../models/load-picker.js';
import { FormatError } from '../errors.js';
import type { ScoreGrid } from './extract.js';

export interface ScoreModel {
  /** Preprocessing recorded at training time; picking replays it exactly. */
  readonly preprocess: PreprocessParams;
  /** Particle diameter in original pixels recorded by training, if any. */
  readonly particleDiameterPx?: number;
  /** Dense logits, one per pixel of the preprocessed image. */
  scoreMap(image: Image2D): Promise<Float32Array>;
  /** Logits at the network's natural stride, when the model offers them. */
  scoreMapStrided?(image: Image2D): Promise<ScoreGrid>;
  release?(): Promise<void>;
}

function json(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function field(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Finds the preprocessing parameters wherever training recorded them. */
function preprocessFrom(path: string, md: Readonly<Record<string, string>>): PreprocessParams {
  const input = json(md['cryopick.input']);
  const candidates = [json(md['cryopick.preprocess']), field(input, 'preprocess'), input];
  for (const c of candidates) {
    if (c === undefined || c === null || (typeof c === 'object' && Object.keys(c).length === 0)) continue;
    try {
      return parsePreprocessParams(c);
    } catch {
      // try the next place
    }
  }
  throw new FormatError({ path }, 'the model metadata records no preprocessing parameters (cryopick.preprocess); retrain with this cryopick version');
}

function diameterFrom(md: Readonly<Record<string, string>>): number | undefined {
  const candidates = [Number(md['cryopick.particleDiameter']), field(json(md['cryopick.params']), 'particleDiameter'), field(json(md['cryopick.input']), 'particleDiameter')];
  for (const c of candidates) if (typeof c === 'number' && c > 0 && Number.isFinite(c)) return c;
  return undefined;
}

/**
 * Loads a cryopick .onnx picker as a ScoreModel.
 * @throws FormatError when the file is not a cryopick picker or lacks preprocessing metadata.
 */
export async function loadScoreModel(path: string, runtime: RuntimeOptions = {}): Promise<ScoreModel> {
  const picker = await loadPickerModel(path, runtime); // FormatError for non-cryopick files
  const md = parseModel(new Uint8Array(await readFile(path))).metadata;
  let preprocess: PreprocessParams;
  try {
    preprocess = preprocessFrom(path, md);
  } catch (err) {
    await picker.release();
    throw err;
  }
  const diameter = diameterFrom(md);
  return {
    preprocess,
    ...(diameter === undefined ? {} : { particleDiameterPx: diameter }),
    scoreMap: (image) => picker.scoreMap(image),
    scoreMapStrided: (image) => picker.scoreMapStrided(image),
    release: () => picker.release(),
  };
}
