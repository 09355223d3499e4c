// crYOLO's input size and patch mode as a downsampling factor: the factor that brings the training
// micrographs' short side to patches × input size. Pick replays that factor from the model, so a
// particle keeps its size in pixels even on micrographs of another size.
import { listMicrographs, micrographSize } from '../io/micrograph-inputs.js';
import type { TrainParams } from './params.js';

/** The parameters with `downsample` set from `inputSize` and `patches` (unchanged without an input size). */
export async function resolveInputSize(p: TrainParams, say: (text: string) => void = () => {}): Promise<TrainParams> {
  if (p.inputSize === undefined) return p;
  const files = listMicrographs(p.micrographs, 'micrographs');
  const first = files[0] as string;
  const { width, height } = await micrographSize(first);
  const short = Math.min(width, height);
  const target = p.inputSize * p.patches;
  const factor = Math.max(1, short / target);
  const tiles = p.patches > 1 ? ` (${p.patches} × ${p.patches} patches of ${p.inputSize} px)` : '';
  say(short < target
    ? `input size: the micrographs' short side (${short} px) is already below ${target} px${tiles}; not downsampled (crYOLO would upsample)`
    : `input size: downsampling by ${factor.toFixed(3)} so the short side (${short} px, ${first}) becomes ${target} px${tiles}`);
  return { ...p, downsample: factor };
}
