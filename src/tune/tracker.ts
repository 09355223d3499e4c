// Offline experiment tracking: one folder per run with the resolved config, metrics as JSON
// lines, TensorBoard event files (tensorboard --logdir <root>), plots, the model and the manifest.
import { appendFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { FileExistsError } from '../io/atomic-write.js';
import { EventFileWriter } from './tfevents.js';

export interface RunFolder {
  readonly dir: string;
  /** Appends one line to metrics.jsonl and the same scalars to the event file. */
  logMetrics(step: number, metrics: Readonly<Record<string, number>>, context?: Readonly<Record<string, string | number>>): void;
  /** Writes a JSON file into the run folder (replacing an earlier one of the same run). */
  writeJson(name: string, value: unknown): Promise<void>;
  /** A path inside the run folder (subfolders are created). */
  path(...parts: string[]): string;
}

/**
 * Creates `root/name` (refuses a non-empty folder unless overwrite). Scalars go to
 * `metrics.jsonl` and to `tensorboard/events.out.tfevents.*`.
 */
export function createRunFolder(root: string, name: string, options: { overwrite?: boolean } = {}): RunFolder {
  const dir = join(root, name);
  if (existsSync(dir) && readdirSync(dir).length > 0 && !options.overwrite) throw new FileExistsError(dir);
  mkdirSync(join(dir, 'tensorboard'), { recursive: true });
  const events = new EventFileWriter(join(dir, 'tensorboard'));
  const metricsPath = join(dir, 'metrics.jsonl');
  return {
    dir,
    logMetrics(step, metrics, context = {}) {
      appendFileSync(metricsPath, `${JSON.stringify({ step, time: new Date().toISOString(), ...context, ...metrics })}\n`);
      events.addScalars(step, metrics);
    },
    async writeJson(file, value) {
      await writeFileAtomic(join(dir, file), `${JSON.stringify(value, null, 2)}\n`, { overwrite: true });
    },
    path(...parts) {
      const p = join(dir, ...parts);
      mkdirSync(join(p, '..'), { recursive: true });
      return p;
    },
  };
}
