// `cryopick preprocess INPUT... --out DIR`: downsample, filter, normalise (Topaz GMM by default)
// and optionally invert micrographs in parallel, writing MRCs with the new pixel size, through a
// cache; also writes DIR/preprocess-params.json so training can reuse exactly these settings.
import { parseNumberFlag } from './_options.js';
import { PREPROCESS_RENAMED } from '../registry/preprocess.js';
import cliProgress from 'cli-progress';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FormatError, UsageError } from '../../errors.js';
import { listMicrographs } from '../../io/micrograph-inputs.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { parsePreprocessParams } from '../../image/preprocess-params.js';
import type { PreprocessParams } from '../../image/preprocess-params.js';
import { preprocessFiles } from '../../preprocess/preprocess-files.js';
import { applyRenamedFlags } from './_renamed.js';
import { acquireRunLock } from '../../io/run-lock.js';
import { parseShard, shardPositions } from '../../pick/shard.js';

type Flags = Record<string, string | boolean | undefined>;

const positive = (v: number) => v > 0;

function filterFrom(flags: Flags, which: 'lowpass' | 'highpass'): Record<string, unknown> | undefined {
  const res = parseNumberFlag(flags[`${which}Resolution`], `--${which}-resolution`, positive, 'a resolution in Å');
  const nyq = parseNumberFlag(flags[`${which}Nyquist`], `--${which}-nyquist`, (v) => v > 0 && v <= 1, 'a fraction of Nyquist in (0, 1]');
  const shape = flags[which];
  if (res !== undefined && nyq !== undefined) throw new UsageError(`give --${which}-resolution or --${which}-nyquist, not both`);
  if (res === undefined && nyq === undefined) {
    if (shape !== undefined) throw new UsageError(`--${which} needs --${which}-resolution or --${which}-nyquist`);
    return undefined;
  }
  const kind = shape ?? 'butterworth';
  if (kind !== 'gaussian' && kind !== 'butterworth') throw new UsageError(`--${which}: expected gaussian or butterworth, got '${String(kind)}'`);
  const cutoff = res !== undefined ? { resolutionA: res } : { fractionNyquist: nyq };
  const order = parseNumberFlag(flags['order'], '--order', (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
  return kind === 'gaussian' ? { kind, cutoff } : { kind, cutoff, ...(order === undefined ? {} : { order }) };
}

function downsampleFrom(flags: Flags): Record<string, unknown> | undefined {
  const scale = parseNumberFlag(flags['downsample'], '--downsample', (v) => v >= 1, 'a factor >= 1');
  const pixelSize = parseNumberFlag(flags['pixelSize'], '--pixel-size', positive, 'a pixel size in Å');
  const method = flags['bin'] === true ? 'bin' : 'fourier';
  if (scale !== undefined && pixelSize !== undefined) throw new UsageError('give --downsample or --pixel-size, not both');
  if (scale !== undefined) return { kind: 'factor', factor: scale, method };
  if (pixelSize !== undefined) return { kind: 'pixelSize', pixelSizeA: pixelSize, method };
  if (flags['bin'] === true) throw new UsageError('--bin needs --downsample or --pixel-size');
  return undefined;
}

function normalizeFrom(flags: Flags, base: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const kind = (flags['normalize'] as string | undefined) ?? (base?.['kind'] as string | undefined);
  const gmmFlags: Array<[string, string, unknown]> = [
    ['sample', '--pixel-sampling', parseNumberFlag(flags['pixelSampling'], '--pixel-sampling', (v) => v >= 1, 'a factor >= 1')],
    ['iterations', '--norm-iters', parseNumberFlag(flags['normIters'], '--norm-iters', (v) => Number.isInteger(v) && v >= 0, 'a whole number')],
    ['tolerance', '--tolerance', parseNumberFlag(flags['tolerance'], '--tolerance', (v) => v >= 0, 'a number >= 0')],
    ['priorAlpha', '--alpha', parseNumberFlag(flags['alpha'], '--alpha', (v) => v >= 1, 'a number >= 1')],
    ['priorBeta', '--beta', parseNumberFlag(flags['beta'], '--beta', (v) => v >= 1, 'a number >= 1')],
    ['seed', '--seed', parseNumberFlag(flags['seed'], '--seed', (v) => Number.isInteger(v) && v >= 0, 'a whole number')],
    ['initialWeights', '--init-weights', flags['initWeights'] === undefined ? undefined
      : String(flags['initWeights']).split(',').map((t) => parseNumberFlag(t, '--init-weights', (v) => v > 0 && v <= 1, 'weights in (0, 1]'))],
    ['seedFrom', '--topaz-seeding', flags['topazSeeding'] === true ? 'bright' : undefined],
  ];
  const given = gmmFlags.filter(([, , v]) => v !== undefined);
  if (kind !== undefined && kind !== 'gmm' && given.length > 0) {
    throw new UsageError(`${given.map(([, f]) => f).join(', ')} only apply to --normalize gmm`);
  }
  if (kind === undefined && given.length === 0) return undefined;
  if (kind !== undefined && kind !== 'gmm' && kind !== 'standardize' && kind !== 'none') {
    throw new UsageError(`--normalize: expected gmm, standardize or none, got '${kind}'`);
  }
  const start = base?.['kind'] === (kind ?? 'gmm') ? base : {};
  return { ...start, kind: kind ?? 'gmm', ...Object.fromEntries(given.map(([k, , v]) => [k, v])) };
}

/** Builds the params from an optional JSON file plus the flags (flags win). */
export async function paramsFromFlags(flags: Flags): Promise<PreprocessParams> {
  let base: Record<string, unknown> = {};
  const file = flags['params'];
  if (typeof file === 'string') {
    try {
      base = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof SyntaxError) throw new FormatError({ path: file }, `not valid JSON: ${err.message}`);
      throw err;
    }
    if (base === null || typeof base !== 'object' || Array.isArray(base)) throw new FormatError({ path: file }, 'expected a JSON object of preprocessing parameters');
  }
  const input: Record<string, unknown> = { ...base };
  const downsample = downsampleFrom(flags);
  if (downsample !== undefined) input['downsample'] = downsample;
  const lowpass = filterFrom(flags, 'lowpass');
  if (lowpass !== undefined) input['lowpass'] = lowpass;
  const highpass = filterFrom(flags, 'highpass');
  if (highpass !== undefined) input['highpass'] = highpass;
  const normalize = normalizeFrom(flags, base['normalize'] as Record<string, unknown> | undefined);
  if (normalize !== undefined) input['normalize'] = normalize;
  if (flags['invert'] === true) input['invert'] = true;
  return parsePreprocessParams(input, typeof file === 'string' ? file : '');
}

async function writeParamsFile(path: string, params: PreprocessParams, overwrite: boolean): Promise<void> {
  const text = `${JSON.stringify(params, null, 2)}\n`;
  if (existsSync(path) && !overwrite && (await readFile(path, 'utf8')) !== text) {
    throw new ConfigError([{ path, message: 'exists with different parameters; pass --overwrite or choose another --out' }]);
  }
  await writeFileAtomic(path, text, { overwrite: true });
}

export async function preprocessAction(inputs: string[], flags: Flags): Promise<void> {
  applyRenamedFlags(flags as Record<string, unknown>, PREPROCESS_RENAMED);
  const params = await paramsFromFlags(flags);
  const threads = parseNumberFlag(flags['threads'], '--threads', (v) => Number.isInteger(v) && v >= 1, 'a positive whole number');
  const cacheKey = flags['cacheKey'];
  if (cacheKey !== undefined && cacheKey !== 'content' && cacheKey !== 'stat') throw new UsageError(`--cache-key: expected content or stat, got '${String(cacheKey)}'`);
  const shard = typeof flags['shard'] === 'string' ? parseShard(flags['shard']) : undefined;
  const all = listMicrographs(inputs);
  const files = shard === undefined ? all : shardPositions(all, shard).map((i) => all[i] as string);
  const outDir = String(flags['out']);
  const overwrite = flags['overwrite'] === true;
  const quiet = flags['quiet'] === true;
  const bar = quiet || !process.stderr.isTTY ? undefined
    : new cliProgress.SingleBar({ format: 'preprocess [{bar}] {value}/{total} micrographs | {eta_formatted} left', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  // shards of one dataset may share --out (disjoint files, each written atomically): only whole runs lock it
  const lock = shard === undefined ? acquireRunLock(outDir, 'preprocess') : undefined;
  bar?.start(files.length, 0);
  let results;
  try {
    results = await preprocessFiles(files, outDir, params, {
      ...(threads === undefined ? {} : { threads }),
      ...(typeof flags['cacheDir'] === 'string' ? { cacheDir: flags['cacheDir'] } : {}),
      ...(cacheKey === undefined ? {} : { cacheKeyBy: cacheKey }),
      mode: flags['float16'] === true ? 'float16' : 'float32',
      overwrite,
      ...(flags['permissive'] === true ? { permissive: true } : {}),
      onProgress: (done) => bar?.update(done),
    });
    await writeParamsFile(join(outDir, 'preprocess-params.json'), params, overwrite);
  } finally {
    bar?.stop();
    lock?.release();
  }
  for (const r of results) {
    for (const w of r.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
    if (r.nonFiniteReplaced > 0 && !(r.warnings ?? []).some((w) => /non-finite/.test(w))) process.stderr.write(`warning: ${r.input}: ${r.nonFiniteReplaced} NaN/infinite pixel(s) replaced by the mean of the others\n`);
  }
  if (!quiet) {
    const fromCache = results.filter((r) => r.cached).length;
    const first = results[0];
    const size = first === undefined ? '' : `, ${first.width}x${first.height} px${first.pixelSizeA === undefined ? '' : ` at ${first.pixelSizeA.toFixed(3)} Å/px`}`;
    process.stdout.write(`preprocessed ${results.length} micrograph(s)${shard === undefined ? '' : ` (shard ${shard.index}/${shard.count} of ${all.length})`} into ${outDir}${fromCache > 0 ? ` (${fromCache} from cache)` : ''}${size}\n`);
  }
}

