// The particle diameter `cryopick pick` works with: given (px or Å), recorded in the model, or,
// for scale-free models such as the general model, estimated from the micrographs and reported.
import { UsageError } from '../../errors.js';
import { readMicrograph } from '../../io/micrograph.js';
import { estimateDiameter } from '../../pick/estimate-diameter.js';
import { isScaleFree } from '../../pick/general-model.js';
import type { ScoreModel } from '../../pick/score-model.js';
import { parseNumberFlag, positive } from './_options.js';
import { diameterPxFromA } from './_units.js';

/** Micrographs the estimate looks at (the first ones given). */
const ESTIMATE_MICROGRAPHS = 3;

/** `--particle-diameter-px/-a` (train's spelling) as synonyms of pick's `--diameter-px/-a`. @throws UsageError when both are given */
export function applyDiameterSynonyms(flags: Record<string, unknown>): void {
  for (const [alias, name] of [['particleDiameterPx', 'diameterPx'], ['particleDiameterA', 'diameterA']] as const) {
    if (flags[alias] === undefined) continue;
    if (flags[name] !== undefined) throw new UsageError(`--${name === 'diameterPx' ? 'diameter-px' : 'diameter-a'} and its synonym --particle-${name === 'diameterPx' ? 'diameter-px' : 'diameter-a'} were both given; give one`);
    flags[name] = flags[alias];
    delete flags[alias];
  }
}

/**
 * The diameter in original pixels. @throws UsageError when none is given, the model records none
 * and it cannot be estimated.
 */
export async function pickDiameterPx(model: ScoreModel, flags: Readonly<Record<string, unknown>>, files: () => readonly string[], say: (line: string) => void): Promise<number> {
  const given = parseNumberFlag(flags['diameterPx'], '--diameter-px', positive, 'a positive number')
    ?? (await diameterPxFromA(flags, { px: 'diameter-px', a: 'diameter-a' }, files));
  if (given !== undefined) return given;
  if (!isScaleFree(model)) {
    if (model.particleDiameterPx === undefined) throw new UsageError('--diameter-px (or --diameter-a) is needed: the model does not record the particle diameter');
    return model.particleDiameterPx;
  }
  const sample = files().slice(0, ESTIMATE_MICROGRAPHS);
  if (sample.length === 0) throw new UsageError('the general model needs the particle diameter: give --diameter-px or --diameter-a (with --watch it cannot be estimated before micrographs arrive)');
  const images = [];
  for (const f of sample) images.push(await readMicrograph(f));
  const est = await estimateDiameter(images, model);
  const ladder = est.candidates.map((c) => `${c.diameterPx.toFixed(0)}:${c.response.toFixed(2)}`).join(' ');
  say(`estimated particle diameter: ${est.diameterPx.toFixed(1)} px (confidence ${est.confidence}: margin ${est.margin.toFixed(2)} logits over sizes two steps away; from ${sample.length} micrograph(s); diameter:response ${ladder}); give --diameter-px or --diameter-a to override\n`);
  return est.diameterPx;
}

