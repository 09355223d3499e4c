// `cryopick demo`: the README's main job — simulate, train from sparse picks, pick held-out
// micrographs, evaluate and report, then print a short summary.
import { resolve } from 'node:path';
import { runDemo } from '../../demo/run-demo.js';
import { parseNumberFlag } from './_options.js';
import { installInterrupt } from './_interrupt.js';
import { withRunLock } from '../../io/run-lock.js';

export async function demoAction(flags: { out: string; seed: string; epochs?: string; threads?: string; overwrite: boolean }): Promise<void> {
  const positiveInteger = (v: number): boolean => Number.isInteger(v) && v >= 1;
  const opts = {
    out: flags.out, overwrite: flags.overwrite, seed: parseNumberFlag(flags.seed, '--seed', Number.isInteger, 'a whole number') as number,
    epochs: parseNumberFlag(flags.epochs, '--epochs', positiveInteger, 'a positive integer'),
    threads: parseNumberFlag(flags.threads, '--threads', positiveInteger, 'a positive integer'),
  };
  await withRunLock(resolve(opts.out), 'demo', () => runDemoCommand(opts));
}


async function runDemoCommand(opts: { out: string; seed: number; epochs: number | undefined; threads: number | undefined; overwrite: boolean }): Promise<void> {
  const stop = installInterrupt(['stopping after the current step (Ctrl+C again to quit at once)...']);
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  let lastEpoch = -1;
  try {
    const s = await runDemo({
      outDir: resolve(opts.out), seed: opts.seed, overwrite: opts.overwrite, signal: stop.signal(0),
      ...(opts.epochs === undefined ? {} : { epochs: opts.epochs }),
      ...(opts.threads === undefined ? {} : { threads: opts.threads }),
      onStage: (t) => log(`• ${t}`),
      onMessage: (t) => log(`  ${t}`),
      onTrainProgress: (p) => {
        if (p.phase === 'train' && p.epoch !== lastEpoch) {
          lastEpoch = p.epoch;
          log(`  epoch ${p.epoch}/${p.epochs}${p.loss === undefined ? '' : ` loss ${p.loss.toFixed(4)}`}`);
        }
      },
    });
    const f = (x: number): string => x.toFixed(3);
    const best = s.training.epochs.find((e) => e.epoch === s.training.bestEpoch);
    process.stdout.write(
      [
        '',
        'cryopick demo — summary',
        `  trained on ${s.trainMicrographs} simulated micrographs from ${s.userPicks} sparse picks (${s.training.epochs.length} epochs, exported epoch ${s.training.bestEpoch}${best?.auprc === undefined ? '' : `, validation AUPRC ${f(best.auprc)}`})`,
        `  held-out: ${s.testMicrographs} micrographs, ${s.truthParticles} true particles, ${s.picked} picked (score >= ${f(s.threshold)}, keeping the expected ${s.expectedParticles} per micrograph)`,
        `  AP ${f(s.ap)} (random picks: ${f(s.chanceAp)}), best F1 ${f(s.bestF1)} at score ${f(s.bestF1Threshold)}`,
        `  at that threshold: precision ${f(s.precision)}, recall ${f(s.recall)}, F1 ${f(s.f1)}`,
        `  zero labels (the general model shipped with cryopick, no training): AP ${f(s.zeroLabel.ap)}, best F1 ${f(s.zeroLabel.bestF1)}, F1 ${f(s.zeroLabel.f1)} at its own threshold ${f(s.zeroLabel.threshold)} (${s.zeroLabel.seconds.toFixed(0)} s)`,
        `  time: ${s.seconds.total.toFixed(0)} s (simulate ${s.seconds.simulate.toFixed(0)}, train ${s.seconds.train.toFixed(0)}, pick ${s.seconds.pick.toFixed(0)}, evaluate+report ${(s.seconds.evaluate + s.seconds.report).toFixed(0)})`,
        `  report: ${s.reportPath}`,
        `  model:  ${s.modelPath}`,
        '',
      ].join('\n'),
    );
  } finally {
    stop.dispose();
  }
}
