// The first deep particle classifiers, for 2-D crops: DeepPicker (Wang et al. 2016: four conv +
// max-pool layers of 8 9×9, 16 5×5, 32 3×3 and 64 2×2 kernels, a 256-unit dense layer with
// dropout 0.5, a softmax head, cross-entropy) and DeepEM (Zhu et al. 2017: sigmoid activations,
// average pooling, squared-error loss on sigmoid outputs; rotations as augmentation).
import { reshape, sigmoid } from '../../engine/index.js';
import type { Var } from '../../engine/index.js';
import type { SearchSpace } from '../../tune/space.js';
import { avgPool2, convSame, dense, drop, pool2, relu, type Ctx } from './layers.js';
import { choice, type ModelSpec } from './spec.js';

const flatten = (x: Var): Var => reshape(x, [x.shape[0] as number, -1]);

export const deepPicker: ModelSpec = {
  type: 'deeppicker', loss: 'cross-entropy',
  space: (): SearchSpace => ({ learning_rate: choice(1e-3, 1e-2, 1e-4) }),
  build(c, x, _hp, classes) {
    let h = x;
    [[8, 9], [16, 5], [32, 3], [64, 2]].forEach(([f, k], i) => {
      h = relu(convSame(c, `conv${i}`, h, f as number, k as number));
      if (Math.min(...h.shape.slice(2)) >= 2) h = pool2(h);
    });
    const d = drop(c, relu(dense(c, 'fc', flatten(h), 256)), 0.5);
    return dense(c, 'head', d, classes);
  },
};

export const deepEm: ModelSpec = {
  type: 'deepem', loss: 'squared-error',
  space: (): SearchSpace => ({ learning_rate: choice(1e-3, 1e-2, 1e-4) }),
  build(c, x, _hp, classes) {
    let h = x;
    [[6, 9], [12, 5], [12, 3]].forEach(([f, k], i) => {
      h = sigmoid(convSame(c, `conv${i}`, h, f as number, k as number));
      if (Math.min(...h.shape.slice(2)) >= 2) h = avgPool2(h);
    });
    return dense(c, 'head', sigmoid(dense(c, 'fc', flatten(h), 64)), classes);
  },
};
