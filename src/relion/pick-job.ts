// The RELION External pick job: picks the micrographs of micrographs_ctf.star with a cryopick
// model into <JobDir>/ (autopick.star + one <name>_autopick.star per micrograph, the layout
// RELION's AutoPick writes and Extract reads). A re-run ("continue") picks only new micrographs.
// Without a model it uses the general model (diameter estimated, threshold from the score distribution).
import { join, normalize, sep, parse } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { formatCoordinateList, formatRelionCoordinates } from '../io/star-relion.js';
import { detectionsPath, readDetections, selectByScore } from '../pick/detections.js';
import { pickMicrographs } from '../pick/pick-run.js';
import { loadScoreModel, type ScoreModel } from '../pick/score-model.js';
import { DEFAULT_BORDER_FRACTION, GENERAL_MODEL, atParticleScale, isScaleFree, resolveModelPath } from '../pick/general-model.js';
import { estimateDiameter } from '../pick/estimate-diameter.js';
import { autoThreshold } from '../pick/auto-threshold.js';
import { readMicrograph } from '../io/micrograph.js';
import { withRunLock } from '../io/run-lock.js';
import { DEFAULT_FLOOR, DEFAULT_INFERENCE, defaultThreshold } from '../pick/threshold.js';
import type { OutputNode } from './external-job.js';
import { readMicrographsStar } from './micrographs-star.js';

export interface RelionPickJob {
  /** The job folder relative to the project folder (the current directory), e.g. `External/job012/`. */
  readonly jobDir: string;
  readonly inMics: string;
  /** A cryopick .onnx, or `general` (also when absent): the general model shipped with cryopick. */
  readonly model?: string;
  /** Particle diameter in Å (converted with the optics group's pixel size); default: the model's (the general model estimates it). */
  readonly particleDiameterA?: number;
  readonly threshold?: number;
  readonly inference?: 'dense' | 'strided';
  readonly threads?: number;
  readonly onMessage?: (line: string) => void;
}

export interface RelionPickResult {
  readonly nodes: readonly OutputNode[];
  readonly picked: number;
  readonly skipped: number;
  readonly particles: number;
}

/** Where RELION puts a micrograph's coordinate file: its path below the producing job folder, in this job. */
export function coordinateFileOf(jobDir: string, micrograph: string): string {
  const parts = normalize(micrograph).split(sep).filter((p) => p !== '' && p !== '.' && p !== '..');
  const below = parts.length >= 3 ? parts.slice(2, -1) : [];
  return join(jobDir, ...below, `${parse(micrograph).name}_autopick.star`);
}

function diameterInPixels(pixelSizes: readonly (number | undefined)[], diameterA: number): number {
  const sizes = [...new Set(pixelSizes)];
  if (sizes.includes(undefined)) throw new UsageError('--particle_diameter is in Å, but the micrograph STAR file gives no pixel size (no optics block with _rlnMicrographPixelSize)');
  if (sizes.length > 1) {
    throw new ConfigError([{ path: '--in_mics', message: `micrographs have different pixel sizes (${sizes.join(', ')} Å); run one job per optics group` }], 'cannot convert the particle diameter');
  }
  return diameterA / (sizes[0] as number);
}

/** The particle diameter (px) estimated from the first micrographs, reported through onMessage. */
async function estimated(model: ScoreModel, names: readonly string[], job: RelionPickJob): Promise<number> {
  const images = [];
  for (const n of names.slice(0, 3)) images.push(await readMicrograph(n));
  const e = await estimateDiameter(images, model);
  job.onMessage?.(`estimated particle diameter ${e.diameterPx.toFixed(1)} px (confidence ${e.confidence}); set the job parameter particle_diameter (Å) to override`);
  return e.diameterPx;
}

/** Picks under the run-folder lock of <JobDir>/cryopick, so two runs of one job never interleave. */
export async function runRelionPick(job: RelionPickJob): Promise<RelionPickResult> {
  return withRunLock(join(job.jobDir, 'cryopick'), 'relion pick', () => pickJob(job));
}

async function pickJob(job: RelionPickJob): Promise<RelionPickResult> {
  const mics = await readMicrographsStar(job.inMics);
  if (mics.length === 0) throw new ConfigError([{ path: job.inMics, message: 'lists no micrographs' }], 'nothing to pick');
  const modelPath = resolveModelPath(job.model);
  let model = await loadScoreModel(modelPath, job.threads === undefined ? {} : { threads: job.threads });
  try {
    const names = mics.map((m) => m.name);
    const diameterPx = job.particleDiameterA !== undefined ? diameterInPixels(mics.map((m) => m.pixelSize), job.particleDiameterA)
      : isScaleFree(model) ? await estimated(model, names, job) : model.particleDiameterPx;
    if (diameterPx === undefined) throw new UsageError('--particle_diameter (Å) is needed: the model does not record the particle diameter');
    model = atParticleScale(model, diameterPx);
    const inference = job.inference ?? DEFAULT_INFERENCE;
    const auto = job.threshold === undefined && isScaleFree(model);
    const floor = Math.min(DEFAULT_FLOOR, job.threshold ?? DEFAULT_FLOOR);
    const runDir = join(job.jobDir, 'cryopick');
    const run = await pickMicrographs(names, model, {
      outDir: runDir, resume: true, minDistancePx: 0.5 * diameterPx, floor, inference, diameterPx, modelId: job.model ?? GENERAL_MODEL,
      borderPx: DEFAULT_BORDER_FRACTION * diameterPx,
      onProgress: (p) => job.onMessage?.(`picked ${p.done}/${p.total} (${p.last ?? ''})`),
    });
    const threshold = job.threshold ?? (auto ? await autoThreshold(runDir, names, (line) => job.onMessage?.(line.trimEnd())) : defaultThreshold(inference));
    const entries = [];
    let particles = 0;
    for (const name of names) {
      const picks = selectByScore(await readDetections(detectionsPath(runDir, name)), threshold);
      const coordinateFile = coordinateFileOf(job.jobDir, name);
      await writeFileAtomic(coordinateFile, formatRelionCoordinates([picks], false), { overwrite: true });
      entries.push({ micrograph: name, coordinateFile: normalize(coordinateFile) });
      particles += picks.particles.length;
    }
    const list = join(job.jobDir, 'autopick.star');
    await writeFileAtomic(list, formatCoordinateList(entries), { overwrite: true });
    return { nodes: [{ name: normalize(list), type: 'MicrographsCoords.star.relion.autopick' }], picked: run.picked, skipped: run.skipped, particles };
  } finally {
    await model.release?.();
  }
}
