// resnet (Capfinder's resnet_model.py), 1-D for signals and the same layout in 2-D for particle
// crops: stem Conv → BN → ReLU → MaxPool(3, stride 2); stages of residual blocks (Conv → BN →
// ReLU → Conv → BN, plus a 1×1 Conv + BN shortcut when the shape changes; stride 2 on the first
// block of every stage after the first); global average pooling → Dense → Dropout → head.
import { add } from '../../engine/index.js';
import type { Var } from '../../engine/index.js';
import type { ParamSet, SearchSpace } from '../../tune/space.js';
import { bn, convSame, dense, drop, globalAvgPool, relu, stemPool, type Ctx } from './layers.js';
import { choice, int, logUniform, num, stepped, type ModelSpec } from './spec.js';

function space(): SearchSpace {
  const s: Record<string, ReturnType<typeof int>> = {
    initial_filters: int(32, 128, 32), initial_kernel: choice(3, 5, 7), num_stages: int(2, 4), num_blocks_per_stage: int(2, 4),
  };
  for (let st = 0; st < 4; st++) {
    s[`filters_stage_${st}`] = int(64, 256, 64);
    for (let bl = 0; bl < 4; bl++) s[`kernel_stage_${st}_block_${bl}`] = choice(3, 5, 7);
  }
  Object.assign(s, { dense_units: int(32, 256, 32), dropout: stepped(0, 0.5, 0.1), learning_rate: logUniform(1e-4, 1e-2) });
  return s;
}

function block(c: Ctx, name: string, x: Var, filters: number, kernel: number, stride: number): Var {
  let h = relu(bn(c, `${name}.bn1`, convSame(c, `${name}.conv1`, x, filters, kernel, stride)));
  h = bn(c, `${name}.bn2`, convSame(c, `${name}.conv2`, h, filters, kernel));
  const shortcut = stride !== 1 || x.shape[1] !== filters ? bn(c, `${name}.bns`, convSame(c, `${name}.short`, x, filters, 1, stride)) : x;
  return relu(add(h, shortcut));
}

function build(c: Ctx, x: Var, hp: ParamSet, classes: number): Var {
  let h = relu(bn(c, 'stem.bn', convSame(c, 'stem', x, num(hp, 'initial_filters', 32), num(hp, 'initial_kernel', 3))));
  h = stemPool(h);
  for (let st = 0; st < num(hp, 'num_stages', 2); st++) {
    for (let bl = 0; bl < num(hp, 'num_blocks_per_stage', 2); bl++) {
      const stride = st > 0 && bl === 0 && Math.min(...h.shape.slice(2)) >= 2 ? 2 : 1;
      h = block(c, `s${st}b${bl}`, h, num(hp, `filters_stage_${st}`, 64), num(hp, `kernel_stage_${st}_block_${bl}`, 3), stride);
    }
  }
  const f = drop(c, relu(dense(c, 'dense', globalAvgPool(h), num(hp, 'dense_units', 32))), num(hp, 'dropout', 0));
  return dense(c, 'head', f, classes);
}

export const resnet: ModelSpec = { type: 'resnet', loss: 'cross-entropy', space, build };
