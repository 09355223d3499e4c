// A YOLO picker model: config + parameters, compiled forwards per input size, head decoding, and
// the standard .onnx export (image [N,1,H,W] with H, W multiples of 32 → head [N,6,H/s,W/s]).
import { GraphBuilder } from '../../engine/builder.js';
import { compileForward, type CompiledForward } from '../../engine/forward.js';
import { serializeGraph } from '../../engine/onnx-serialize.js';
import { ParamStore } from '../../engine/params.js';
import type { RuntimeOptions } from '../../engine/runtime.js';
import type { Image2D } from '../../image/image.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { ExportMetadata } from '../picker-model.js';
import { modelFileProperties } from '../model-file.js';
import { boxNms, decodeHead, type Box } from './decode.js';
import { buildYolo } from './network.js';
import { gridStride, INPUT_MULTIPLE, validateYoloConfig, YOLO_NMS_IOU, type YoloConfig } from './spec.js';

/** The image zero-padded (the normalised mean) on the right and bottom to multiples of 32. */
export function padToMultiple(image: Image2D): Image2D {
  const w = Math.ceil(image.width / INPUT_MULTIPLE) * INPUT_MULTIPLE;
  const h = Math.ceil(image.height / INPUT_MULTIPLE) * INPUT_MULTIPLE;
  if (w === image.width && h === image.height) return image;
  const data = new Float32Array(w * h);
  for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width, (y + 1) * image.width), y * w);
  return { width: w, height: h, data };
}

export class YoloModel {
  private readonly forwards = new Map<string, CompiledForward>();
  constructor(readonly config: YoloConfig, readonly store: ParamStore) {
    validateYoloConfig(config);
  }

  static create(config: YoloConfig, seed = 0): YoloModel {
    const m = new YoloModel(config, new ParamStore(seed));
    const b = new GraphBuilder();
    buildYolo(b, m.store, config, b.input('x', [1, 1, INPUT_MULTIPLE, INPUT_MULTIPLE]), { mode: 'eval' });
    return m;
  }

  get stride(): number {
    return gridStride(this.config);
  }

  /** Raw head values of one image (padded to multiples of 32), with the grid size. */
  async head(image: Image2D, runtime: RuntimeOptions = {}): Promise<{ head: Float32Array; gw: number; gh: number }> {
    const padded = padToMultiple(image);
    const key = `${padded.width}x${padded.height}`;
    let f = this.forwards.get(key);
    if (!f) {
      const b = new GraphBuilder();
      const head = b.untaped(() => buildYolo(b, this.store, this.config, b.input('image', [1, 1, padded.height, padded.width]), { mode: 'eval' }));
      f = await compileForward(b, { head }, this.store, runtime);
      this.forwards.set(key, f);
    }
    const out = await f.run({ image: padded.data });
    return { head: out['head'] as Float32Array, gw: padded.width / this.stride, gh: padded.height / this.stride };
  }

  /** Every cell's box with score ≥ minScore, in the image's pixels (before NMS). */
  async boxes(image: Image2D, minScore = 0, runtime: RuntimeOptions = {}): Promise<Box[]> {
    return this.decode(await this.head(image, runtime), image, minScore);
  }

  /** The boxes of a raw head of `image` (from head(), or averaged over flips) with score ≥ minScore. */
  decode(raw: { readonly head: Float32Array; readonly gw: number; readonly gh: number }, image: Image2D, minScore = 0): Box[] {
    return decodeHead(raw.head, raw.gw, raw.gh, this.stride, this.config.anchor, image.width, image.height, minScore);
  }

  /** The picks of `image`: its boxes with score ≥ minScore after crYOLO's box NMS, strongest first. */
  async detections(image: Image2D, minScore = 0, runtime: RuntimeOptions = {}): Promise<Box[]> {
    return boxNms(await this.boxes(image, minScore, runtime), YOLO_NMS_IOU);
  }

  /** Forgets compiled forwards (after the weights changed shape-wise; values are fed each run). */
  async release(): Promise<void> {
    for (const f of this.forwards.values()) await f.release();
    this.forwards.clear();
  }

  toOnnx(meta: ExportMetadata = {}): Uint8Array {
    const b = new GraphBuilder();
    const image = b.input('image', [1, 1, 4 * INPUT_MULTIPLE, 4 * INPUT_MULTIPLE]);
    const head = buildYolo(b, this.store, this.config, image, { mode: 'eval' });
    const metadata = modelFileProperties({
      family: 'yolo', config: this.config, stride: this.stride, paramCount: this.store.countTrainable(),
      graph: `yolo: image [N,1,H,W] (H, W multiples of 32) -> head [N,6,H/${this.stride},W/${this.stride}]: x, y offsets (sigmoid), w, h (anchor·exp), confidence, class (sigmoid)`,
    }, meta);
    return serializeGraph(b, {
      outputs: { head },
      paramValues: this.store.values(),
      dims: { image: ['N', 1, 'H', 'W'], head: ['N', 6, 'GH', 'GW'] },
      metadata,
      graphName: 'cryopick_yolo',
    });
  }

  async exportOnnx(path: string, meta: ExportMetadata = {}, opts: { overwrite?: boolean } = {}): Promise<void> {
    await writeFileAtomic(path, this.toOnnx(meta), opts);
  }
}
