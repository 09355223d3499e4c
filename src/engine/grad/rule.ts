// The gradient-rule type: given a recorded op and the gradient of its output, emit the
// gradients of its inputs (null where `needs` is false or the input is not differentiable).
import type { TapeEntry, Var } from '../builder.js';
import type { OpKind } from '../op-kinds.js';

export type GradRule<K extends OpKind = OpKind> = (e: TapeEntry<K>, dy: Var, needs: readonly boolean[]) => readonly (Var | null)[];

export type GradTable = { readonly [K in OpKind]: GradRule<K> };
