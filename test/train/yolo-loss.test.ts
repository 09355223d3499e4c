// The YOLO loss graph against a direct computation: the plain objective (object target 1),
// YOLOv2's rescore (object target = IoU of the predicted and true box, held constant for the gradient)
// and crYOLO's ignore rule for empty cells overlapping a true box.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, ParamStore, compileForward, gradients } from '../../src/engine/index.js';
import { buildYoloLoss, CRYOLO_LOSS_WEIGHTS, type Rescore } from '../../src/train/yolo-loss.js';
import { GRID_CHANNELS } from '../../src/train/yolo-targets.js';

const G = 2; // 2 × 2 grid, one image
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** Head logits and targets of a 2 × 2 grid with one object cell (cell 1). */
function example(): { head: Float32Array; targets: Float32Array } {
  const head = Float32Array.from({ length: 6 * G * G }, (_, i) => Math.sin(1.7 * i + 0.3) * 0.8);
  const targets = new Float32Array(5 * G * G);
  const cell = 1;
  targets[cell] = 0.3; // x offset
  targets[G * G + cell] = 0.6; // y offset
  targets[2 * G * G + cell] = Math.sqrt(1.3); // √(w / anchor)
  targets[3 * G * G + cell] = Math.sqrt(0.8);
  targets[4 * G * G + cell] = 1;
  return { head, targets };
}

/** Direct loss; also the IoU of the object cell. */
function reference(head: Float32Array, t: Float32Array, rescore?: Rescore): { loss: number; iou: number } {
  const P = G * G;
  const w = CRYOLO_LOSS_WEIGHTS;
  let loss = 0;
  let iou = 0;
  for (let c = 0; c < P; c++) {
    const m = t[4 * P + c] as number;
    const conf = sig(head[4 * P + c] as number);
    if (m === 0) { loss += w.noObject * conf ** 2; continue; }
    const sx = sig(head[c] as number), sy = sig(head[P + c] as number);
    const pw = Math.exp(head[2 * P + c] as number), ph = Math.exp(head[3 * P + c] as number);
    loss += w.coord * ((sx - (t[c] as number)) ** 2 + (sy - (t[P + c] as number)) ** 2);
    loss += w.coord * ((Math.sqrt(pw) - (t[2 * P + c] as number)) ** 2 + (Math.sqrt(ph) - (t[3 * P + c] as number)) ** 2);
    const k = rescore?.cellInAnchors ?? 1;
    const tw = (t[2 * P + c] as number) ** 2, th = (t[3 * P + c] as number) ** 2;
    const ov = (a: number, as: number, b: number, bs: number): number => Math.max(0, Math.min(a + as / 2, b + bs / 2) - Math.max(a - as / 2, b - bs / 2));
    const inter = ov(sx * k, pw, (t[c] as number) * k, tw) * ov(sy * k, ph, (t[P + c] as number) * k, th);
    iou = inter / (pw * ph + tw * th - inter);
    loss += w.object * (conf - (rescore ? iou : 1)) ** 2;
    loss += (sig(head[5 * P + c] as number) - 1) ** 2;
  }
  return { loss, iou };
}

async function lossAndGrad(rescore?: Rescore): Promise<{ loss: number; grad: Float32Array }> {
  const { head, targets } = example();
  const store = new ParamStore(0);
  store.add('head', [1, 6, G, G], { kind: 'const', value: 0 });
  store.entries.get('head')?.data.set(head);
  const b = new GraphBuilder();
  const h = store.use(b, 'head');
  const lg = buildYoloLoss(h, b.input('targets', [1, 5, G, G]), b.input('sizeWeight', [1]), CRYOLO_LOSS_WEIGHTS, rescore);
  const [g] = gradients(lg.loss, [h]);
  const f = await compileForward(b, { loss: lg.loss, g: g as NonNullable<typeof g> }, store, { threads: 1 });
  const out = await f.run({ targets, sizeWeight: Float32Array.of(1) });
  await f.release();
  return { loss: (out['loss'] as Float32Array)[0] as number, grad: out['g'] as Float32Array };
}

test('the yolo loss equals the direct sum; rescore uses the box IoU as the object target, as a constant', async () => {
  const { head, targets } = example();
  const plain = await lossAndGrad();
  assert.ok(Math.abs(plain.loss - reference(head, targets).loss) < 1e-4, `plain ${plain.loss}`);
  const rescore = { cellInAnchors: 0.7 };
  const rs = await lossAndGrad(rescore);
  const ref = reference(head, targets, rescore);
  assert.ok(ref.iou > 0.05 && ref.iou < 0.95, `a partial overlap (${ref.iou})`);
  assert.ok(Math.abs(rs.loss - ref.loss) < 1e-4, `rescore ${rs.loss} vs ${ref.loss}`);
  // The IoU is a target: the gradient of the box logits is the same as without rescore
  // (it would differ if the IoU were differentiated), and the confidence gradient moves towards the IoU.
  const P = G * G;
  for (const ch of [0, 1, 2, 3]) {
    const i = ch * P + 1;
    assert.ok(Math.abs((rs.grad[i] as number) - (plain.grad[i] as number)) < 1e-6, `channel ${ch}: ${rs.grad[i]} vs ${plain.grad[i]}`);
  }
  const conf = sig(head[4 * P + 1] as number);
  const expected = 2 * CRYOLO_LOSS_WEIGHTS.object * (conf - ref.iou) * conf * (1 - conf);
  assert.ok(Math.abs((rs.grad[4 * P + 1] as number) - expected) < 1e-4, `confidence gradient ${rs.grad[4 * P + 1]} vs ${expected}`);
});

test('crYOLO\'s ignore rule: an empty cell whose box overlaps a listed true box by IoU ≥ t costs nothing, others as before', async () => {
  const P = G * G;
  const slots = 2;
  const { head } = example();
  const targets = new Float32Array((GRID_CHANNELS + 4 * slots) * P);
  targets.set(example().targets);
  const cell = 2; // an empty cell (row 1, column 0); its predicted box: centre σ(offset)·k from its corner, size e^t
  const k = 0.7;
  const [px, py] = [sig(head[cell] as number) * k, sig(head[P + cell] as number) * k];
  const [pw, ph] = [Math.exp(head[2 * P + cell] as number), Math.exp(head[3 * P + cell] as number)];
  // slot 1 of cell 2: a true box shifted by 5 % of the predicted size (IoU ≈ 0.9); slot 0 stays empty
  const c = (GRID_CHANNELS + 4) * P + cell;
  targets[c] = (px + 0.05 * pw) / k;
  targets[c + P] = py / k;
  targets[c + 2 * P] = pw;
  targets[c + 3 * P] = ph;
  const run = async (iou: number): Promise<number> => {
    const store = new ParamStore(0);
    store.add('head', [1, 6, G, G], { kind: 'const', value: 0 });
    store.entries.get('head')?.data.set(head);
    const b = new GraphBuilder();
    const lg = buildYoloLoss(store.use(b, 'head'), b.input('targets', [1, GRID_CHANNELS + 4 * slots, G, G]), b.input('sizeWeight', [1]), CRYOLO_LOSS_WEIGHTS, undefined,
      { iou, cellInAnchors: k });
    const f = await compileForward(b, { loss: lg.loss }, store, { threads: 1 });
    const out = await f.run({ targets, sizeWeight: Float32Array.of(1) });
    await f.release();
    return (out['loss'] as Float32Array)[0] as number;
  };
  const full = reference(head, example().targets).loss;
  const emptyCost = CRYOLO_LOSS_WEIGHTS.noObject * sig(head[4 * P + cell] as number) ** 2;
  assert.ok(Math.abs((await run(0.6)) - (full - emptyCost)) < 1e-4, 'overlap 0.9 ≥ 0.6: the cell is not penalised');
  assert.ok(Math.abs((await run(0.95)) - full) < 1e-4, 'overlap 0.9 < 0.95: penalised as before');
});
