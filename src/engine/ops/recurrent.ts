// LSTM unrolled over a static sequence length from recorded ops (MatMul, Slice, Sigmoid, Tanh),
// so its gradient is the chain of existing rules. Gate order and activations follow Keras:
// input, forget, cell, output; sigmoid gates, tanh cell.
import type { Var } from '../builder.js';
import { ShapeError } from '../../errors.js';
import { add, mul, sigmoid, tanh } from './elementwise.js';
import { matmul } from './misc.js';
import { concat, reshape, slice } from './shape.js';

export interface LstmWeights {
  /** [F, 4H]: input → gates. */
  readonly kernel: Var;
  /** [H, 4H]: previous hidden state → gates. */
  readonly recurrent: Var;
  /** [4H]. */
  readonly bias: Var;
}

/**
 * Runs an LSTM over x [N, T, F] from zero initial state. Returns every hidden state [N, T, H]
 * when `returnSequences`, else the last one [N, H].
 */
export function lstm(x: Var, w: LstmWeights, returnSequences: boolean): Var {
  if (x.rank !== 3) throw new ShapeError(`lstm: input [${x.shape}] must be [N, T, F]`);
  const [n, t, f] = x.shape as [number, number, number];
  const h4 = w.kernel.shape[1] as number;
  const h = h4 / 4;
  if (w.kernel.shape[0] !== f || !Number.isInteger(h) || w.recurrent.shape[0] !== h || w.recurrent.shape[1] !== h4 || w.bias.shape[0] !== h4) {
    throw new ShapeError(`lstm: weights kernel [${w.kernel.shape}], recurrent [${w.recurrent.shape}], bias [${w.bias.shape}] do not fit input features ${f}`);
  }
  const xw = add(reshape(matmul(reshape(x, [n * t, f]), w.kernel), [n, t, h4]), w.bias);
  const gate = (z: Var, k: number): Var => slice(z, { starts: [k * h], ends: [(k + 1) * h], axes: [1] });
  let hPrev: Var | null = null;
  let cPrev: Var | null = null;
  const states: Var[] = [];
  for (let s = 0; s < t; s++) {
    const zx = reshape(slice(xw, { starts: [s], ends: [s + 1], axes: [1] }), [n, h4]);
    const z = hPrev ? add(zx, matmul(hPrev, w.recurrent)) : zx;
    const i = sigmoid(gate(z, 0));
    const g = tanh(gate(z, 2));
    const o = sigmoid(gate(z, 3));
    const c: Var = cPrev ? add(mul(sigmoid(gate(z, 1)), cPrev), mul(i, g)) : mul(i, g);
    const hNew = mul(o, tanh(c));
    hPrev = hNew;
    cPrev = c;
    if (returnSequences) states.push(reshape(hNew, [n, 1, h]));
  }
  return returnSequences ? (states.length === 1 ? (states[0] as Var) : concat(states, 1)) : (hPrev as Var);
}
