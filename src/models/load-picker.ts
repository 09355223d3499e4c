// Loading a cryopick .onnx picker and computing score maps: dense (one logit per pixel via the
// filled net, tiled for large images, exact at tile seams) and strided (the training-time net).
import { readFile } from 'node:fs/promises';
import { FormatError } from '../errors.js';
import type { Image2D } from '../image/image.js';
import type { RuntimeOptions } from '../engine/runtime.js';
import { Session } from '../engine/runtime.js';
import type { CompiledForward } from '../engine/forward.js';
import type { PickerMetadata } from './picker-model.js';
import { PickerModel } from './picker-model.js';
import { readModelFile, type ModelFile } from './model-file.js';

export interface ScoreMapOptions {
  /** Output tile edge in pixels (default 768); images up to this size run in one piece. Bounds memory. */
  readonly tileSize?: number;
}

export interface StridedScoreMap {
  /** Logits, row-major, width × height. Logit (i, j) is centred on image pixel (x = j·stride, y = i·stride). */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  readonly stride: number;
}

export interface LoadedPicker {
  readonly metadata: PickerMetadata;
  readonly model: PickerModel;
  /** Dense logits, same width × height as the image (zero padding outside the image). */
  scoreMap(image: Image2D, o?: ScoreMapOptions): Promise<Float32Array>;
  /** Logits at the network's natural stride (about stride² fewer operations). */
  scoreMapStrided(image: Image2D): Promise<StridedScoreMap>;
  release(): Promise<void>;
}

function copyPadded(image: Image2D, x0: number, y0: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = y0 + y;
    if (sy < 0 || sy >= image.height) continue;
    for (let x = 0; x < w; x++) {
      const sx = x0 + x;
      if (sx >= 0 && sx < image.width) out[y * w + x] = image.data[sy * image.width + sx] as number;
    }
  }
  return out;
}

/** Builds a model holding the weights of a parsed cryopick .onnx (readModelFile). */
function pickerFromFile(file: ModelFile, path: string): { metadata: PickerMetadata; model: PickerModel } {
  if (file.family !== 'topaz') throw new FormatError({ path }, `a ${file.family} model, where a Topaz-style picker was expected; pick with it through cryopick pick`);
  let model: PickerModel;
  try {
    model = PickerModel.create(file.config);
  } catch (err) {
    throw new FormatError({ path }, `metadata cryopick.architecture is not a valid model (${err instanceof Error ? err.message : String(err)})`);
  }
  const missing = [...model.store.entries].filter(([k, e]) => file.weights.get(k)?.length !== e.data.length).map(([k]) => k);
  if (missing.length) throw new FormatError({ path }, `weights missing or of the wrong size for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  model.store.load(file.weights, false);
  const metadata: PickerMetadata = {
    version: file.version, config: file.config, receptiveField: model.receptiveField, stride: model.stride, input: file.input, training: file.training,
  };
  return { metadata, model };
}

class OnnxPicker implements LoadedPicker {
  private readonly strided = new Map<string, CompiledForward>();
  private readonly r: number;
  constructor(
    readonly metadata: PickerMetadata,
    readonly model: PickerModel,
    private readonly session: Session,
    private readonly runtime: RuntimeOptions,
  ) {
    this.r = (model.receptiveField - 1) / 2;
  }

  async scoreMap(image: Image2D, o: ScoreMapOptions = {}): Promise<Float32Array> {
    const t = o.tileSize ?? 768;
    if (!Number.isInteger(t) || t < 1) throw new RangeError(`tileSize must be a positive integer, got ${t}`);
    if (image.width <= t && image.height <= t) {
      const res = await this.session.run({ image: { data: image.data, dims: [1, 1, image.height, image.width] } });
      return Float32Array.from(res['logits']?.data as Float32Array);
    }
    // Tiles carry a halo of (rf-1)/2 real pixels; the halo's logits (which saw the model's
    // internal zero padding) are dropped, so seams are exact.
    const r = this.r;
    const out = new Float32Array(image.width * image.height);
    for (let ty = 0; ty < image.height; ty += t) {
      for (let tx = 0; tx < image.width; tx += t) {
        const th = Math.min(t, image.height - ty);
        const tw = Math.min(t, image.width - tx);
        const inW = tw + 2 * r;
        const inH = th + 2 * r;
        const res = await this.session.run({ image: { data: copyPadded(image, tx - r, ty - r, inW, inH), dims: [1, 1, inH, inW] } });
        const logits = res['logits']?.data as Float32Array;
        for (let y = 0; y < th; y++) out.set(logits.subarray((y + r) * inW + r, (y + r) * inW + r + tw), (ty + y) * image.width + tx);
      }
    }
    return out;
  }

  async scoreMapStrided(image: Image2D): Promise<StridedScoreMap> {
    const key = `${image.width}x${image.height}`;
    const { r, model } = this;
    const inW = image.width + 2 * r;
    const inH = image.height + 2 * r;
    let fwd = this.strided.get(key);
    if (!fwd) {
      fwd = await model.compileForward([1, 1, inH, inW], { mode: 'eval', fill: false }, this.runtime);
      this.strided.set(key, fwd);
    }
    const res = await fwd.run({ image: copyPadded(image, -r, -r, inW, inH) });
    const s = model.stride;
    const width = Math.floor((inW - model.receptiveField) / s) + 1;
    const height = Math.floor((inH - model.receptiveField) / s) + 1;
    return { data: res['logits'] as Float32Array, width, height, stride: s };
  }

  async release(): Promise<void> {
    await this.session.release();
    for (const f of this.strided.values()) await f.release();
    this.strided.clear();
  }
}

/**
 * Reads a cryopick .onnx model and opens an inference session on it.
 * @throws FormatError when the file is not an ONNX model written by cryopick.
 * @throws UnavailableError when runtime.provider is missing on this machine.
 */
export async function loadPickerModel(path: string, runtime: RuntimeOptions = {}): Promise<LoadedPicker> {
  const bytes = new Uint8Array(await readFile(path));
  return openPickerModel(bytes, readModelFile(bytes, path), path, runtime);
}

/** Opens an inference session on a model file already read and parsed (`file` = readModelFile(bytes)). */
export async function openPickerModel(bytes: Uint8Array, file: ModelFile, path: string, runtime: RuntimeOptions = {}): Promise<LoadedPicker> {
  const { metadata, model } = pickerFromFile(file, path);
  return new OnnxPicker(metadata, model, await Session.create(bytes, runtime), runtime);
}
