// `cryopick simulate --out DIR [--preset quick|realistic] [...]`: synthetic micrographs with exact
// ground truth and sparse user picks (see src/sim/README.md for the model and the output layout).
import { parseNumberFlag } from './_options.js';
import { SIMULATE_RENAMED } from '../registry/simulate.js';
import { UsageError } from '../../errors.js';
import { COORDINATE_FORMATS, type CoordinateFormat } from '../../io/coordinate-formats.js';
import { simulateDataset } from '../../sim/dataset.js';
import { PRESETS, PRESET_NAMES, type PresetName, type SimulationParams } from '../../sim/params.js';
import { applyRenamedFlags } from './_renamed.js';

type Flags = Readonly<Record<string, string | boolean | undefined>>;

function parseSize(text: string): { width: number; height: number } {
  const m = /^(\d+)(?:[x×,](\d+))?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--size: expected N or WxH in pixels, got '${text}'`);
  const width = Number(m[1]);
  return { width, height: m[2] === undefined ? width : Number(m[2]) };
}

function parseModels(text: string): { models: string[]; weights: number[] } {
  const models: string[] = [];
  const weights: number[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(.+?)(?::([0-9.eE+-]+))?$/.exec(part);
    const name = m?.[1] ?? part;
    const w = m?.[2] === undefined ? 1 : Number(m[2]);
    if (!(w > 0)) throw new UsageError(`--models: weight of '${name}' must be > 0, got '${m?.[2]}'`);
    models.push(name);
    weights.push(w);
  }
  if (models.length === 0) throw new UsageError('--models: expected at least one model name');
  return { models, weights };
}

function parseFormats(text: string | undefined): CoordinateFormat[] {
  if (text === undefined) return [];
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '').map((f) => {
    if (!(COORDINATE_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: unknown format '${f}' (choose from ${COORDINATE_FORMATS.join(', ')})`);
    return f as CoordinateFormat;
  });
}

/** Builds the simulation parameters from a preset and the command-line overrides. */
export function paramsFromFlags(flags: Flags): { preset: PresetName; count: number; params: SimulationParams } {
  const presetName = (flags['preset'] ?? 'quick') as string;
  if (!(PRESET_NAMES as readonly string[]).includes(presetName)) throw new UsageError(`--preset: expected ${PRESET_NAMES.join(' or ')}, got '${presetName}'`);
  const preset = PRESETS[presetName as PresetName];
  const p: { -readonly [K in keyof SimulationParams]: SimulationParams[K] } = { ...preset.params };
  const pos = (v: number): boolean => v > 0;
  const frac = (v: number): boolean => v >= 0 && v <= 1;
  const nonneg = (v: number): boolean => v >= 0;
  if (typeof flags['size'] === 'string') Object.assign(p, parseSize(flags['size']));
  const set = <K extends keyof SimulationParams>(key: K, v: SimulationParams[K] | undefined): void => {
    if (v !== undefined) p[key] = v;
  };
  set('pixelSizeA', parseNumberFlag(flags['pixelSizeA'], '--pixel-size-a', pos, 'a positive number of Å'));
  set('particleDiameterA', parseNumberFlag(flags['particleDiameterA'], '--particle-diameter-a', pos, 'a positive number of Å'));
  if (typeof flags['models'] === 'string') {
    const { models, weights } = parseModels(flags['models']);
    p.models = models;
    p.modelWeights = weights;
  }
  if (typeof flags['pdb'] === 'string') {
    if (typeof flags['models'] === 'string') {
      p.models = [...p.models, `pdb:${flags['pdb']}`];
      p.modelWeights = [...p.modelWeights, 1];
    } else {
      p.models = [`pdb:${flags['pdb']}`];
      p.modelWeights = [1];
      // a PDB is simulated at its real size unless a diameter is asked for
      if (flags['particleDiameter'] === undefined) p.particleDiameterA = null;
    }
  }
  set('particlesPerMicrograph', parseNumberFlag(flags['particlesPerMicrograph'], '--particles-per-micrograph', nonneg, 'a number >= 0'));
  set('snr', parseNumberFlag(flags['snr'], '--snr', pos, 'a positive number'));
  const um = (v: number | undefined): number | undefined => (v === undefined ? undefined : v * 1e4);
  set('defocusMinA', um(parseNumberFlag(flags['defocusMin'], '--defocus-min', nonneg, 'micrometres >= 0')));
  set('defocusMaxA', um(parseNumberFlag(flags['defocusMax'], '--defocus-max', nonneg, 'micrometres >= 0')));
  set('astigmatismMaxA', parseNumberFlag(flags['astigmatism'], '--astigmatism', nonneg, 'Å >= 0'));
  set('bFactorMinA2', parseNumberFlag(flags['bFactorMin'], '--b-factor-min', nonneg, 'Å² >= 0'));
  set('bFactorMaxA2', parseNumberFlag(flags['bFactorMax'], '--b-factor-max', nonneg, 'Å² >= 0'));
  set('voltageKv', parseNumberFlag(flags['voltage'], '--voltage', pos, 'kV > 0'));
  set('sphericalAberrationMm', parseNumberFlag(flags['cs'], '--cs', nonneg, 'mm >= 0'));
  set('amplitudeContrast', parseNumberFlag(flags['amplitudeContrast'], '--amplitude-contrast', (v) => v >= 0 && v < 1, 'a fraction in [0, 1)'));
  set('doseEPerA2', parseNumberFlag(flags['dose'], '--dose', pos, 'e/Å² > 0'));
  set('structuralNoiseFraction', parseNumberFlag(flags['structuralNoise'], '--structural-noise', frac, 'a fraction in [0, 1]'));
  set('iceGradient', parseNumberFlag(flags['iceGradient'], '--ice-gradient', frac, 'a fraction in [0, 1]'));
  set('iceCrystalsPerMicrograph', parseNumberFlag(flags['iceCrystals'], '--ice-crystals', nonneg, 'a mean count >= 0'));
  set('carbonProbability', parseNumberFlag(flags['carbon'], '--carbon', frac, 'a probability in [0, 1]'));
  set('junkPerMicrograph', parseNumberFlag(flags['junk'], '--junk', nonneg, 'a mean count >= 0'));
  set('aggregateFraction', parseNumberFlag(flags['aggregates'], '--aggregates', frac, 'a fraction in [0, 1]'));
  set('labelFraction', parseNumberFlag(flags['labelFraction'], '--label-fraction', frac, 'a fraction in [0, 1]'));
  const count = parseNumberFlag(flags['count'], '--count', (v) => Number.isInteger(v) && v >= 1, 'a positive integer') ?? preset.count;
  return { preset: presetName as PresetName, count, params: p };
}

export async function simulateAction(flags: Flags): Promise<void> {
  applyRenamedFlags(flags as Record<string, unknown>, SIMULATE_RENAMED);
  const { preset, count, params } = paramsFromFlags(flags);
  const seed = parseNumberFlag(flags['seed'], '--seed', (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0') ?? 1;
  const out = String(flags['out']);
  const started = Date.now();
  const manifest = await simulateDataset({
    outDir: out,
    params,
    count,
    seed,
    preset,
    formats: parseFormats(typeof flags['format'] === 'string' ? flags['format'] : undefined),
    overwrite: flags['overwrite'] === true,
    namePrefix: String(flags['prefix'] ?? 'sim'),
    onProgress: (done, total, name) => {
      if (flags['quiet'] !== true) process.stderr.write(`simulated ${name} (${done}/${total})\n`);
    },
  });
  const t = manifest.totals;
  const snrs = manifest.micrographs.map((m) => m.measuredSnr);
  process.stdout.write(
    `wrote ${manifest.count} micrographs of ${manifest.width}x${manifest.height} at ${manifest.pixelSizeA} Å/px to ${out} ` +
      `(particle diameter ${manifest.particleDiameterA} Å = ${manifest.particleDiameterPx} px): ${t.truth} truth particles ` +
      `of ${t.placed} placed, ${t.picks} user picks (${Math.round(100 * params.labelFraction)}%), ` +
      `measured SNR ${Math.min(...snrs).toFixed(3)}–${Math.max(...snrs).toFixed(3)}, ${((Date.now() - started) / 1000).toFixed(1)} s; manifest ${out}/manifest.json\n`,
  );
}

