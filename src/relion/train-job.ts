// The RELION External training job: trains a cryopick model from the micrographs of
// micrographs_ctf.star and the picks of a coordinate list (ManualPick / AutoPick output),
// writing <JobDir>/train/model.onnx and the HTML training report <JobDir>/report.html.
import type { Image2D } from '../image/image.js';
import { join, normalize } from 'node:path';
import { existsSync } from 'node:fs';
import { ConfigError, UsageError } from '../errors.js';
import { trainPicker } from '../train/trainer.js';
import type { TrainParamsInput } from '../train/params.js';
import { buildTrainReport } from '../report/train-report.js';
import { writeHtmlReport } from '../report/html.js';
import type { OutputNode } from './external-job.js';
import { readMicrographsStar } from './micrographs-star.js';

export interface RelionTrainJob {
  readonly jobDir: string;
  readonly inMics: string;
  /** The coordinate-file list (autopick.star / manualpick.star) or a coordinate STAR file. */
  readonly inCoords: string;
  readonly expectedParticles: number;
  /** Particle diameter in Å (stored in the model in pixels, via the optics group's pixel size). */
  readonly particleDiameterA?: number;
  /** Further training parameters (epochs, downsample, ...), as `cryopick train` takes them. */
  readonly params?: Partial<TrainParamsInput>;
  readonly signal?: AbortSignal;
  readonly onMessage?: (line: string) => void;
  /** Micrograph reader (default strict; the job parameter --permissive passes micrographReader(true, …)). */
  readonly readImage?: (path: string) => Promise<Image2D>;
}

export interface RelionTrainResult {
  readonly nodes: readonly OutputNode[];
  readonly modelPath: string;
  readonly bestEpoch: number;
}

export async function runRelionTrain(job: RelionTrainJob): Promise<RelionTrainResult> {
  const mics = await readMicrographsStar(job.inMics);
  if (mics.length === 0) throw new ConfigError([{ path: job.inMics, message: 'lists no micrographs' }], 'nothing to train on');
  if (!existsSync(job.inCoords)) throw new UsageError(`--in_coords: ${job.inCoords} does not exist`);
  let particleDiameter: number | undefined;
  if (job.particleDiameterA !== undefined) {
    const sizes = [...new Set(mics.map((m) => m.pixelSize))];
    if (sizes.length !== 1 || sizes[0] === undefined) throw new UsageError(`--particle_diameter is in Å and needs one pixel size for all micrographs; found ${sizes.map((s) => s ?? 'none').join(', ')}`);
    particleDiameter = job.particleDiameterA / sizes[0];
  }
  const outDir = join(job.jobDir, 'train');
  const params: TrainParamsInput = {
    ...job.params, micrographs: mics.map((m) => m.name), picks: [job.inCoords], expectedParticles: job.expectedParticles,
    ...(particleDiameter === undefined ? {} : { particleDiameter }),
  } as TrainParamsInput;
  const result = await trainPicker(params, {
    outDir, overwrite: true, ...(job.signal ? { signal: job.signal } : {}), ...(job.onMessage ? { onMessage: job.onMessage } : {}), ...(job.readImage ? { readImage: job.readImage } : {}),
  });
  const reportPath = join(job.jobDir, 'report.html');
  await writeHtmlReport(reportPath, await buildTrainReport(outDir), { overwrite: true });
  return {
    modelPath: result.modelPath, bestEpoch: result.bestEpoch,
    nodes: [{ name: normalize(result.modelPath), type: 'ProcessData.onnx.cryopick.model' }, { name: normalize(reportPath), type: 'LogFile.html.cryopick.report' }],
  };
}
