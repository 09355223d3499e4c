// Classification losses built from recorded ops: sparse categorical cross-entropy (labels fed
// as one-hot rows, stable through LogSoftmax) and mean squared error (DeepEM's loss).
import type { Var } from '../builder.js';
import { ShapeError } from '../../errors.js';
import { mul, sub } from './elementwise.js';
import { logSoftmax } from './misc.js';
import { reduceMean, reduceSum } from './reduce.js';

/**
 * Mean over the batch of −log softmax(logits)[label]. logits [N, K]; oneHot [N, K] holds the
 * labels as one-hot rows (a graph input; a row of zeros drops that item from the sum).
 */
export function sparseCategoricalCrossEntropy(logits: Var, oneHot: Var): Var {
  if (logits.rank !== 2 || oneHot.rank !== 2 || logits.shape[0] !== oneHot.shape[0] || logits.shape[1] !== oneHot.shape[1]) {
    throw new ShapeError(`cross-entropy: logits [${logits.shape}] and one-hot labels [${oneHot.shape}] must both be [N, K]`);
  }
  const picked = reduceSum(mul(logSoftmax(logits, 1), oneHot), [1]);
  return mul(reduceMean(picked), -1);
}

/** Mean of (prediction − target)² over every element. */
export function meanSquaredError(prediction: Var, target: Var): Var {
  const d = sub(prediction, target);
  return reduceMean(mul(d, d));
}
