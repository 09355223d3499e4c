// Counts the floating-point operations of a graph's convolutions (2 per multiply-add), the
// figure GFLOP/s benchmarks divide by.
import type { GraphBuilder } from './builder.js';

/** 2·MACs summed over Conv and ConvTranspose nodes (elementwise ops are not counted). */
export function convFlops(b: GraphBuilder): number {
  const shapeOf = (name: string): readonly number[] | undefined => b.valueShapes.get(name) ?? b.params.get(name)?.var.shape ?? b.initializers.get(name)?.shape;
  let total = 0;
  for (const n of b.nodes) {
    if (n.op !== 'Conv' && n.op !== 'ConvTranspose') continue;
    const w = shapeOf(n.inputs[1] as string);
    const y = shapeOf(n.outputs[0] as string);
    const x = shapeOf(n.inputs[0] as string);
    if (!w || !y || !x) continue;
    const perOut = w.slice(1).reduce((a, c) => a * c, 1);
    // Conv: each output element sums Cin/g·k² products; ConvTranspose: each input element scatters Cout/g·k².
    total += n.op === 'Conv' ? 2 * y.reduce((a, c) => a * c, 1) * perOut : 2 * x.reduce((a, c) => a * c, 1) * perOut;
  }
  return total;
}
