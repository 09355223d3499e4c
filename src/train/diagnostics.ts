// End-of-training diagnostics with concrete suggestions (the cryoSPARC Deep Picker guideline):
// underfitting, overfitting, a model that picks nothing, and no test split.

export interface EpochSummary {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainPrecision: number;
  readonly testLoss?: number;
  readonly auprc?: number;
  readonly tpr?: number;
  readonly precision?: number;
}

export interface DiagnosticsInput {
  readonly epochs: readonly EpochSummary[];
  /** Fraction of labelled pixels among test pixels: the AUPRC of a random scorer. */
  readonly chanceAuprc: number;
  readonly hasTestSplit: boolean;
  readonly learningRate: number;
  readonly epochCount: number;
}

/** Returns human-readable findings, each with what to change; empty when nothing looks wrong. */
export function diagnoseTraining(d: DiagnosticsInput): string[] {
  const out: string[] = [];
  const e = d.epochs;
  if (e.length === 0) return ['no epoch finished; nothing to diagnose'];
  if (!d.hasTestSplit) {
    out.push('no test split: the last epoch was exported. Hold out micrographs (--test-fraction 0.2 or --test-micrographs) ' +
      'so the best epoch is chosen on unseen data and over- or underfitting can be detected.');
  }
  const first = e[0] as EpochSummary;
  const last = e[e.length - 1] as EpochSummary;
  const lossDrop = first.trainLoss > 0 ? (first.trainLoss - last.trainLoss) / first.trainLoss : 0;
  const bestAuprc = Math.max(...e.map((x) => x.auprc ?? Number.NEGATIVE_INFINITY));
  if (d.hasTestSplit && Number.isFinite(bestAuprc) && bestAuprc < Math.max(2 * d.chanceAuprc, d.chanceAuprc + 0.02)) {
    out.push(`underfitting: the best test AUPRC (${bestAuprc.toFixed(3)}) is close to chance (${d.chanceAuprc.toFixed(3)}). ` +
      `Raise the learning rate (now ${d.learningRate}) or the number of epochs (now ${d.epochCount}), check that picks and ` +
      'micrographs line up (frame, binning, y-flip), and that the downsampled particle fits the receptive field.');
  } else if (e.length >= 3 && lossDrop < 0.05) {
    out.push(`underfitting: the training loss fell only ${(100 * lossDrop).toFixed(1)}% over ${e.length} epochs. ` +
      `Raise the learning rate (now ${d.learningRate}) or train for more epochs.`);
  }
  if (d.hasTestSplit && e.length >= 3) {
    let bestI = 0;
    e.forEach((x, i) => { if ((x.auprc ?? -1) > ((e[bestI] as EpochSummary).auprc ?? -1)) bestI = i; });
    const best = e[bestI] as EpochSummary;
    const tail = e.slice(bestI + 1);
    if (tail.length >= 2 && (last.auprc ?? 0) < (best.auprc ?? 0) * 0.9 && last.trainLoss < best.trainLoss) {
      out.push(`overfitting: test AUPRC peaked at epoch ${best.epoch} (${(best.auprc ?? 0).toFixed(3)}) and fell to ` +
        `${(last.auprc ?? 0).toFixed(3)} while the training loss kept falling. The best epoch was exported; ` +
        'use fewer epochs, more training picks, L2 regularisation (--l2 1e-4), dropout (resnets) or the autoencoder (conv models, weight 10/N).');
    }
  }
  const finalTpr = last.tpr;
  if (finalTpr !== undefined && finalTpr < 0.02) {
    out.push(`the model picks nothing: on the test split it gives labelled particles a mean probability of ${finalTpr.toFixed(4)}. ` +
      'Raise the positive class weight (--class-weight 5) or --expected-particles, lower the initial learning rate ' +
      `(now ${d.learningRate}), or use GE-binomial with more epochs.`);
  }
  return out;
}
