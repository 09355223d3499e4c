// `cryopick train-classifier --config config.json`: ETL → tuning → final training → held-out test.
// Ctrl+C once ends tuning (the best parameters so far are trained); during final training it ends
// training, and the best epoch is still restored, tested and saved; a further Ctrl+C quits.
import { runClassifierPipeline } from '../../classifier/pipeline.js';
import { installInterrupt, SEARCH_THEN_TRAIN } from './_interrupt.js';

export async function trainClassifierAction(opts: { config: string }): Promise<void> {
  const stop = installInterrupt(SEARCH_THEN_TRAIN);
  try {
    const r = await runClassifierPipeline(opts.config, {
      tuneSignal: stop.signal(0), finalSignal: stop.signal(1),
      onStage: (s) => { if (s === 'final') stop.advance(); },
      log: (m) => process.stderr.write(`${m}\n`),
    });
    process.stdout.write(`model: ${r.modelPath}\ntest accuracy: ${r.testAccuracy.toFixed(4)}\nreport: ${r.folder}/report.html\n`);
  } finally {
    stop.dispose();
  }
}

