// What the training loop needs from a picker network, independent of how the engine builds it:
// a fused train step on a batch, a dense score map for a whole micrograph, weight snapshots,
// checkpoints and the .onnx export.
import type { Image2D } from '../image/image.js';
import type { ModelFileDraft } from '../models/model-file.js';
import type { Particle } from '../io/coords.js';

/** What the .onnx records besides the network: how to prepare inputs, and how it was trained. */
export type ModelMetadata = Pick<ModelFileDraft, 'input' | 'training'>;

export interface StepOutput {
  readonly objective: number;
  readonly reported: number;
  readonly penalty?: number;
  /** Autoencoder reconstruction error (mean over the batch of Σ squared differences). */
  readonly reconError?: number;
  /** Sigmoid probabilities of every labelled output pixel of the batch (batch order). */
  readonly probs: Float32Array;
}

export interface PickerNet {
  /** Receptive field in downsampled pixels. */
  readonly receptiveField: number;
  /** Output side for a crop of `crop` pixels in dense training (crop − RF + 1). */
  outputSize(crop: number): number;
  /** One fused step (forward, loss, backward, Adam) on x [batch, 1, side, side] with labels. */
  trainStep(x: Float32Array, batch: number, side: number, labels: Float32Array, lr: number, targets?: Float32Array): Promise<StepOutput>;
  /** Logits, one per pixel of the (preprocessed) image. */
  scoreMap(image: Image2D): Promise<Float32Array>;
  /**
   * Box detectors (the yolo family): every detection of the (preprocessed) image after box NMS,
   * centre and estimated size in its pixels, score in [0, 1]. Training's particle AP ranks these.
   */
  detect?(image: Image2D): Promise<Particle[]>;
  /** A copy of every weight and state tensor. */
  snapshot(): Map<string, Float32Array>;
  restore(weights: ReadonlyMap<string, Float32Array>): void;
  /** Writes a resumable checkpoint (weights + optimizer state + step + the sampler's random state + the run id). */
  saveCheckpoint(path: string, rngState?: number, runId?: string): Promise<void>;
  /** Loads a checkpoint's weights now and its optimizer state into the next compiled train step. */
  loadCheckpoint(path: string): Promise<{ rngState?: number; runId?: string }>;
  /** Loads `weights` and writes the inference model as a standard .onnx file (engine format). */
  exportOnnx(path: string, weights: ReadonlyMap<string, Float32Array>, metadata: ModelMetadata): Promise<void>;
  release(): Promise<void>;
}
