// The crYOLO network and its boxes: shapes of both passthroughs and the width multiplier, target
// encoding decoded back exactly, IoU and box NMS, the sampler's symmetry moving boxes with pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, ParamStore } from '../../src/engine/index.js';
import { buildYolo } from '../../src/models/yolo/network.js';
import { defaultYoloConfig, gridStride } from '../../src/models/yolo/spec.js';
import { boxNms, decodeHead, iou } from '../../src/models/yolo/decode.js';
import { YoloModel } from '../../src/models/yolo/yolo-model.js';
import { encodeNearBoxes, encodeTargets, GRID_CHANNELS, TARGET_CHANNELS } from '../../src/train/yolo-targets.js';
import { transformPoint } from '../../src/train/yolo-sampler.js';
import { fillTransformed } from '../../src/train/dense-sampler.js';

test('both passthroughs give the documented grid; the width multiplier scales the parameters by about its square', () => {
  for (const [passthrough, stride] of [['upsample', 16], ['reorg', 32]] as const) {
    const cfg = defaultYoloConfig({ passthrough, width: 0.25 });
    const b = new GraphBuilder();
    const head = buildYolo(b, new ParamStore(0), cfg, b.input('x', [2, 1, 128, 96]), { mode: 'train' });
    assert.deepEqual(head.shape, [2, 6, 128 / stride, 96 / stride]);
    assert.equal(gridStride(cfg), stride);
  }
  const count = (width: number): number => YoloModel.create(defaultYoloConfig({ width })).store.countTrainable();
  const full = count(1);
  assert.ok(full > 40e6 && full < 60e6, `full network has ${full} parameters (the paper's ~50 M)`);
  const ratio = count(0.5) / full;
  assert.ok(ratio > 0.22 && ratio < 0.28, `×0.5 keeps ${ratio} of the parameters`);
});

test('the network refuses inputs that are not multiples of 32, naming the size', () => {
  const b = new GraphBuilder();
  assert.throws(() => buildYolo(b, new ParamStore(0), defaultYoloConfig({ width: 0.25 }), b.input('x', [1, 1, 100, 64]), { mode: 'eval' }), /64×100 must be a multiple of 32/);
});

test('encoded targets decode back to the boxes (cell, offset, √size), the nearer of two picks in a cell wins', () => {
  const side = 64;
  const stride = 16;
  const anchor = 20;
  const t = new Float32Array(5 * 16);
  const boxes = [{ x: 10.2, y: 40.7, w: 20, h: 24 }, { x: 50, y: 3, w: 10, h: 10 }, { x: 14.6, y: 46.2, w: 30, h: 30 }];
  assert.equal(encodeTargets(boxes, side, stride, anchor, t, 0), 2);
  // A head whose offsets are logit(u) and sizes log(w/anchor), confidence high where the mask is set.
  const head = new Float32Array(6 * 16);
  for (let c = 0; c < 16; c++) {
    const logit = (p: number): number => Math.log(p / (1 - p));
    head[c] = logit(t[c] as number || 0.5);
    head[16 + c] = logit(t[16 + c] as number || 0.5);
    head[32 + c] = 2 * Math.log((t[32 + c] as number) || 1);
    head[48 + c] = 2 * Math.log((t[48 + c] as number) || 1);
    head[64 + c] = t[64 + c] ? 6 : -6;
  }
  const got = decodeHead(head, 4, 4, stride, anchor, side, side, 0.5).sort((a, b) => a.x - b.x);
  assert.equal(got.length, 2);
  // Cell (2, 0) holds picks 0 and 2; pick 0 (offset 0.67, 0.58) is nearer the centre than pick 2 (0.94, 0.92).
  const expect = [boxes[0], boxes[1]] as { x: number; y: number; w: number; h: number }[];
  got.forEach((g, i) => {
    const e = expect[i] as { x: number; y: number; w: number; h: number };
    assert.ok(Math.abs(g.x - e.x) < 1e-3 && Math.abs(g.y - e.y) < 1e-3, `centre ${g.x},${g.y} vs ${e.x},${e.y}`);
    assert.ok(Math.abs(g.w - e.w) < 1e-3 && Math.abs(g.h - e.h) < 1e-3, `size ${g.w}×${g.h} vs ${e.w}×${e.h}`);
    assert.ok(g.score > 0.99);
  });
});

test('IoU and box NMS: overlapping weaker boxes go, separate ones stay, large boxes reach far', () => {
  assert.equal(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 }), 50 / 150);
  assert.equal(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 0, w: 10, h: 10 }), 0);
  const kept = boxNms([
    { x: 0, y: 0, w: 10, h: 10, score: 0.9 },
    { x: 2, y: 0, w: 10, h: 10, score: 0.8 },
    { x: 30, y: 0, w: 10, h: 10, score: 0.7 },
    { x: 200, y: 200, w: 300, h: 300, score: 0.95 },
    { x: 250, y: 250, w: 250, h: 250, score: 0.6 },
  ], 0.3);
  assert.deepEqual(kept.map((b) => b.score), [0.95, 0.9, 0.7]);
});

test('the sampler moves each box with its pixels under all 8 symmetries', () => {
  const n = 9;
  for (let t = 0; t < 8; t++) {
    const dst = new Float32Array(n * n);
    // Source pixel (row 2, col 6) is the only bright one.
    fillTransformed(n, t, (i, j) => (i === 2 && j === 6 ? 1 : 0), dst, 0);
    const at = dst.indexOf(1);
    const [row, col] = transformPoint(t, n, 2, 6);
    assert.deepEqual([Math.floor(at / n), at % n], [row, col], `symmetry ${t}`);
  }
});

test('match IoU uses each box\'s own width and height; detections keep them through the TSV', async () => {
  const { sizedBoxIou, boxIou } = await import('../../src/eval/match.js');
  assert.equal(sizedBoxIou(0, 0, { width: 10, height: 20 }, { width: 10, height: 20 }, 5), 1);
  assert.ok(Math.abs(sizedBoxIou(3, -2, {}, {}, 12) - boxIou(3, -2, 12)) < 1e-12);
  assert.ok(Math.abs(sizedBoxIou(0, 0, { width: 10, height: 10 }, {}, 20) - 100 / 400) < 1e-12);
  const { formatDetections, parseDetections } = await import('../../src/pick/detections.js');
  const d = { micrograph: 'm.mrc', width: 100, height: 80, floor: 0.001, particles: [{ x: 10, y: 12, score: 0.9, diameter: 21, width: 20, height: 22 }] };
  assert.deepEqual(parseDetections(formatDetections(d), 'd.tsv'), d);
  const { formatCbox } = await import('../../src/io/cbox.js');
  const row = formatCbox(d.particles).split('\n').find((l) => l.trim().startsWith('-') || /^\s*\d/.test(l)) as string;
  assert.deepEqual(row.trim().split(/\s+/).slice(6, 8).map(Number), [20, 22]);
});

test('each cell lists its nearest true boxes (centre from its corner in cells, size in anchors), nearest first, within reach only', () => {
  const side = 96;
  const stride = 16;
  const anchor = 20;
  const g = side / stride;
  const plane = g * g;
  const t = new Float32Array(TARGET_CHANNELS * plane);
  const boxes = [{ x: 23.5, y: 7.5, w: 20, h: 20 }, { x: 39.5, y: 7.5, w: 30, h: 10 }];
  encodeNearBoxes(boxes, side, stride, anchor, t, 0);
  const slot = (cell: number, k: number): number[] => [0, 1, 2, 3].map((q) => t[(GRID_CHANNELS + 4 * k + q) * plane + cell] as number);
  // cell (0, 1): its centre (24, 8) in pixel-edge units; box 0 is nearest, box 1 next
  assert.deepEqual(slot(1, 0), [0.5, 0.5, 1, 1]);
  assert.deepEqual(slot(1, 1), [1.5, 0.5, 1.5, 0.5]);
  assert.deepEqual(slot(1, 2), [0, 0, 0, 0], 'unused slots hold no box');
  // cell (0, 4) is 3 columns from box 0 and 2 from box 1: only box 1 (reach 1 + ⌈0.3·30/16⌉ = 2) is listed
  assert.deepEqual(slot(4, 0), [-1.5, 0.5, 1.5, 0.5]);
  assert.deepEqual(slot(4, 1), [0, 0, 0, 0]);
  assert.deepEqual(slot(35, 0), [0, 0, 0, 0], 'cell (5, 5) is out of reach of both');
});
