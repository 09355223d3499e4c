// `cryopick train`: the Topaz Train job from flags (every training parameter, kebab-case), or the
// config-driven pipeline with --config. Shows a progress bar; Ctrl+C once finishes the current
// step and exports the best model so far; Ctrl+C twice exits at once (files are written atomically).
import cliProgress from 'cli-progress';
import { acquireRunLock, type RunLock } from '../../io/run-lock.js';
import { UsageError } from '../../errors.js';
import { trainPicker } from '../../train/trainer.js';
import { micrographReader } from '../../io/micrograph.js';
import { runTrainPipeline } from '../../tune/pipeline.js';
import type { TrainParamsInput } from '../../train/params.js';
import { trainFlagsToParams } from './_train-flags.js';
import { installInterrupt, SEARCH_THEN_TRAIN } from './_interrupt.js';
import { runSelfTrain } from './_self-train.js';


export async function trainAction(flags: Record<string, unknown>): Promise<void> {
  if (typeof flags['config'] === 'string') {
    // search, then final training: each gets its own Ctrl+C stage
    const staged = installInterrupt(SEARCH_THEN_TRAIN);
    try {
      const res = await runTrainPipeline(flags['config'], {
        signal: staged.signal(0), finalSignal: staged.signal(1), overwrite: flags['overwrite'] === true,
        onStage: (stage) => { if (stage === 'final') staged.advance(); },
        onMessage: (s: string) => process.stderr.write(`${s}\n`),
        ...(flags['permissive'] === true ? { readImage: micrographReader(true, (m) => process.stderr.write(`cryopick: warning: ${m}\n`)) } : {}),
      });
      process.stdout.write(`run folder: ${res.runDir}\n`);
      if (res.final) process.stdout.write(`model: ${res.final.modelPath} (epoch ${res.final.bestEpoch})\n`);
    } finally {
      staged.dispose();
    }
    return;
  }
  const stop = installInterrupt(['interrupt: finishing the current step, then exporting the best model so far (Ctrl+C again to quit at once)']);
  let lock: RunLock | undefined;
  try {
    if (flags['selfTrain'] !== undefined) {
      lock = acquireRunLock(String(flags['out']), 'train');
      await runSelfTrain(flags, stop.signal(0));
      return;
    }
    if (flags['classifier'] !== undefined || flags['keep'] !== undefined) throw new UsageError('--classifier and --keep filter the picks of --self-train; without it, train on your own picks');
    if (flags['micrographs'] === undefined && flags['picks'] === undefined) {
      throw new UsageError('train needs --micrographs and --picks (or --config config.json)');
    }
    const params = (await trainFlagsToParams(flags)) as TrainParamsInput;
    lock = acquireRunLock(String(flags['out']), 'train');
    const bar = flags['quiet'] || !process.stderr.isTTY ? undefined : new cliProgress.SingleBar({
      format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} steps | loss {loss} | {rate} steps/s | {phase}',
      stream: process.stderr, hideCursor: true,
    }, cliProgress.Presets.shades_classic);
    let started = false;
    let lastEpoch = 0;
    const result = await trainPicker(params, {
      outDir: String(flags['out']), overwrite: flags['overwrite'] === true, resume: flags['resume'] === true, signal: stop.signal(0),
      readImage: micrographReader(flags['permissive'] === true, (m) => { bar?.stop(); started = false; process.stderr.write(`cryopick: warning: ${m}\n`); }),
      onMessage: (s) => { bar?.stop(); started = false; process.stderr.write(`${s}\n`); },
      onProgress: (p) => {
        if (!bar) {
          if (p.phase === 'evaluate') process.stderr.write(`epoch ${p.epoch}/${p.epochs}: evaluating\n`);
          return;
        }
        const payload = { epoch: p.epoch, epochs: p.epochs, loss: p.loss?.toFixed(4) ?? '-', rate: p.stepsPerSecond?.toFixed(2) ?? '-', phase: p.phase };
        if (!started || p.epoch !== lastEpoch) { bar.start(p.stepsPerEpoch, p.step, payload); started = true; lastEpoch = p.epoch; }
        bar.update(p.step, payload);
      },
    });
    bar?.stop();
    const out = process.stdout;
    const best = result.epochs.find((e) => e.epoch === result.bestEpoch);
    out.write(`model: ${result.modelPath} (epoch ${result.bestEpoch}${best?.auprc !== undefined ? `, test AUPRC ${best.auprc.toFixed(4)}` : ''}${best?.particleAp !== undefined ? `, test particle AP ${best.particleAp.toFixed(3)}` : ''})\n`);
    out.write(`objective ${result.method}, π = ${result.pi.toExponential(3)}, ${result.seconds.toFixed(1)} s${result.interrupted ? ', interrupted' : ''}\n`);
    for (const d of result.diagnostics) out.write(`note: ${d}\n`);
    if (result.interrupted) out.write(`to continue from the last finished epoch: the same command with --resume\n`);
  } finally {
    stop.dispose();
    lock?.release();
  }
}

