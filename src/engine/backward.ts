// Reverse-mode differentiation over the tape: walks recorded ops backwards, applies the
// rule table and accumulates gradients with Add. Only vars that depend on a parameter get one.
import type { GraphBuilder, TapeEntry, Var } from './builder.js';
import { sameShape } from './builder.js';
import { gradRules } from './grad/table.js';
import type { GradRule } from './grad/rule.js';
import { add } from './ops/elementwise.js';
import { expandTo } from './ops/reduce.js';
import { ShapeError } from '../errors.js';

/**
 * Emits the gradient nodes of scalar `loss` with respect to each of `wrt`.
 * Parameters that do not influence the loss get an explicit zero gradient.
 * @throws ShapeError if loss is not a scalar.
 */
export function gradients(loss: Var, wrt: readonly Var[]): Var[] {
  const g: GraphBuilder = loss.b;
  if (loss.size !== 1) throw new ShapeError(`loss must be a scalar, got shape [${loss.shape}]`);
  return g.untaped(() => {
    const grads = new Map<string, Var>();
    grads.set(loss.name, g.constF([1], loss.shape));
    for (let i = g.tape.length - 1; i >= 0; i--) {
      const e = g.tape[i] as TapeEntry;
      const dy = grads.get(e.output.name);
      if (!dy) continue;
      const rule = gradRules[e.kind] as GradRule;
      const dxs = rule(e, dy, e.inputs.map((v) => v.requiresGrad));
      e.inputs.forEach((v, j) => {
        const dx = dxs[j];
        if (!dx || !v.requiresGrad) return;
        if (!sameShape(dx.shape, v.shape)) throw new ShapeError(`gradient rule ${e.kind} gave [${dx.shape}] for input [${v.shape}]`);
        const prev = grads.get(v.name);
        grads.set(v.name, prev ? add(prev, dx) : dx);
      });
    }
    return wrt.map((p) => grads.get(p.name) ?? expandTo(g.constF([0], []), p.shape));
  });
}
