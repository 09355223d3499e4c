// Maps the training parameters onto the shared PreprocessParams (stored in the model metadata
// so `pick` replays exactly the same preprocessing).
import { parsePreprocessParams, type PreprocessParams } from '../image/preprocess-params.js';
import type { TrainParams } from './params.js';

/**
 * downsample → Fourier crop by the factor; normalize gmm (pixel sampling, iterations) /
 * standardize / none; lowpass = cryoSPARC Deep Picker's degree of lowpass filtering, a Gaussian
 * cut-off as a fraction of the (downsampled) Nyquist frequency (0 = off); invert contrast.
 */
export function trainPreprocessParams(p: Pick<TrainParams, 'downsample' | 'normalize' | 'pixelSampling' | 'normIters' | 'lowpass' | 'invert' | 'seed'>): PreprocessParams {
  return parsePreprocessParams({
    downsample: p.downsample > 1 ? { kind: 'factor', factor: p.downsample, method: 'fourier' } : { kind: 'none' },
    lowpass: p.lowpass > 0 ? { kind: 'gaussian', cutoff: { fractionNyquist: p.lowpass } } : { kind: 'none' },
    normalize: p.normalize === 'gmm'
      ? { kind: 'gmm', sample: p.pixelSampling, iterations: p.normIters, seed: p.seed }
      : p.normalize === 'standard' ? { kind: 'standardize' } : { kind: 'none' },
    invert: p.invert,
  }, 'preprocess');
}
