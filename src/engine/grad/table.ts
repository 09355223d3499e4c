// The one gradient-rule table: every OpKind has exactly one rule, so an op added to
// op-kinds.ts without a rule does not compile.
import { convGrad, convTransposeGrad } from './conv.js';
import * as el from './elementwise.js';
import { avgPoolGrad, batchNormTrainGrad, dropoutGrad, gemmGrad, logSoftmaxGrad, matmulGrad, maxPoolGrad, softmaxGrad } from './norm-pool.js';
import type { GradTable } from './rule.js';
import { concatGrad, padGrad, reshapeGrad, resizeGrad, sliceGrad, transposeGrad } from './structure.js';

export const gradRules = {
  add: el.addGrad,
  sub: el.subGrad,
  mul: el.mulGrad,
  div: el.divGrad,
  maximum: el.maximumGrad,
  relu: el.reluGrad,
  leakyRelu: el.leakyReluGrad,
  prelu: el.preluGrad,
  sigmoid: el.sigmoidGrad,
  tanh: el.tanhGrad,
  softplus: el.softplusGrad,
  exp: el.expGrad,
  log: el.logGrad,
  sqrt: el.sqrtGrad,
  clamp: el.clampGrad,
  reduceSum: el.reduceSumGrad,
  reduceMean: el.reduceMeanGrad,
  conv: convGrad,
  convTranspose: convTransposeGrad,
  batchNormTrain: batchNormTrainGrad,
  maxPool: maxPoolGrad,
  avgPool: avgPoolGrad,
  matmul: matmulGrad,
  gemm: gemmGrad,
  reshape: reshapeGrad,
  transpose: transposeGrad,
  concat: concatGrad,
  slice: sliceGrad,
  pad: padGrad,
  dropout: dropoutGrad,
  softmax: softmaxGrad,
  logSoftmax: logSoftmaxGrad,
  resize: resizeGrad,
} satisfies GradTable;
