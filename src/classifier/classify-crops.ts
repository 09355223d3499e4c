// `cryopick classify --micrographs ... --picks ...`: the class probabilities of every pick's crop
// (crop-predict.ts, the path `pick --classifier` uses), one CSV row per pick in original pixels,
// and a summary; with the picks' true classes (a STAR class column) also accuracy, per-class
// precision / recall and the confusion matrix.
import { streamFileAtomic } from '../io/atomic-write.js';
import { basename } from 'node:path';
import { ConfigError } from '../errors.js';
import { ORIGINAL_FRAME, micrographKey, toFrame, type MicrographPicks } from '../io/coords.js';
import { readMicrograph } from '../io/micrograph.js';
import { listMicrographs } from '../io/micrograph-inputs.js';
import { pairByName } from '../io/micrograph-names.js';
import { argmaxRow, loadCropClassifier } from './crop-predict.js';

export interface CropClassifyInput {
  readonly micrographs: readonly string[];
  readonly picks: readonly MicrographPicks[];
  /** True class of every pick, by micrograph name, in the order of its particles. */
  readonly truth?: ReadonlyMap<string, readonly string[]>;
  readonly threads?: number;
  readonly onMessage?: (text: string) => void;
}

export interface ClassScore { readonly precision: number; readonly recall: number; readonly support: number }

export interface CropClassifySummary {
  readonly items: number;
  readonly micrographs: number;
  readonly counts: Readonly<Record<string, number>>;
  /** With true classes: accuracy over the picks whose true class is a class of the model. */
  readonly accuracy?: number;
  readonly perClass?: Readonly<Record<string, ClassScore>>;
  /** confusion[true][predicted] = picks. */
  readonly confusion?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * Classifies every pick and writes `out` (temp file + rename).
 * @throws ConfigError when no pick set matches a micrograph (names listed).
 */
export async function classifyCrops(modelPath: string, input: CropClassifyInput, out: string): Promise<CropClassifySummary> {
  const paths = listMicrographs(input.micrographs);
  const sets = new Map<string, MicrographPicks>();
  for (const s of input.picks) {
    const k = micrographKey(s.micrograph);
    const old = sets.get(k);
    sets.set(k, old ? { ...old, particles: [...old.particles, ...s.particles] } : s);
  }
  const { byMicrograph, match } = pairByName(sets, paths);
  if (byMicrograph.size === 0) {
    throw new ConfigError([{ path: 'picks', message: `no pick set matches a micrograph: picks for ${[...sets.keys()].slice(0, 5).join(', ')}; micrographs ${paths.slice(0, 5).map((p) => basename(p)).join(', ')}` }], 'cannot classify');
  }
  const lost = [...match.unmatchedCoordinates, ...match.ambiguous];
  if (lost.length > 0) input.onMessage?.(`${lost.length} pick set(s) match no micrograph and are not classified: ${lost.slice(0, 8).join(', ')}${lost.length > 8 ? ', ...' : ''}`);
  const model = await loadCropClassifier(modelPath, input.threads ?? 0);
  const classes = model.meta.classes;
  const K = classes.length;
  const counts: Record<string, number> = Object.fromEntries(classes.map((c) => [c, 0]));
  const confusion: Record<string, Record<string, number>> = {};
  let items = 0;
  try {
    await streamFileAtomic(out, async (write) => {
      await write(`micrograph,x,y,${input.truth ? 'true_class,' : ''}predicted_class,${classes.map((c) => `p_${c}`).join(',')}\n`);
      for (const path of paths) {
        const set = byMicrograph.get(path);
        if (!set || set.particles.length === 0) continue;
        const image = await readMicrograph(path);
        const picks = toFrame({ ...set, height: set.height ?? Math.round(image.height / set.frame.binning) }, ORIGINAL_FRAME).particles;
        const prob = await model.classify(image, picks);
        const truth = input.truth?.get(micrographKey(set.micrograph));
        let text = '';
        picks.forEach((p, i) => {
          const cls = classes[argmaxRow(prob, i, K)] as string;
          counts[cls] = (counts[cls] ?? 0) + 1;
          const t = truth?.[i];
          if (t !== undefined) {
            const row = confusion[t] ?? (confusion[t] = {});
            row[cls] = (row[cls] ?? 0) + 1;
          }
          const ps = Array.from(prob.subarray(i * K, (i + 1) * K), (v) => v.toFixed(5)).join(',');
          text += `${micrographKey(path)},${p.x.toFixed(1)},${p.y.toFixed(1)},${input.truth ? `${t ?? ''},` : ''}${cls},${ps}\n`;
        });
        items += picks.length;
        await write(text);
      }
    }, { overwrite: true });
  } finally {
    await model.release();
  }
  return { items, micrographs: byMicrograph.size, counts, ...(input.truth ? scores(confusion, classes) : {}) };
}

/** Accuracy, per-class precision / recall and the confusion matrix from confusion[true][predicted]. */
export function scores(confusion: Readonly<Record<string, Readonly<Record<string, number>>>>, classes: readonly string[]):
  Pick<CropClassifySummary, 'accuracy' | 'perClass' | 'confusion'> {
  let right = 0, all = 0;
  const perClass: Record<string, ClassScore> = {};
  for (const c of classes) {
    const tp = confusion[c]?.[c] ?? 0;
    const support = Object.values(confusion[c] ?? {}).reduce((a, v) => a + v, 0);
    const predicted = Object.values(confusion).reduce((a, row) => a + (row[c] ?? 0), 0);
    perClass[c] = { precision: predicted > 0 ? tp / predicted : 0, recall: support > 0 ? tp / support : 0, support };
    right += tp;
    all += support;
  }
  return { accuracy: all > 0 ? right / all : 0, perClass, confusion };
}
