// The RELION 3.1+ micrographs.star of a simulated dataset (optics group plus each micrograph's
// true CTF), so the micrographs can be imported into RELION with exact CTF values.
import { formatStar, type StarFile } from '../io/star.js';
import type { CtfParams } from './ctf.js';

export interface MicrographCtfRow {
  /** Path of the micrograph relative to the dataset folder. */
  readonly micrograph: string;
  readonly ctf: CtfParams;
}

/** STAR text with `data_optics` and `data_micrographs` (defocus in Å, angle in degrees, B in Å²). */
export function formatMicrographsStar(rows: readonly MicrographCtfRow[], pixelSizeA: number): string {
  const first = rows[0]?.ctf;
  const optics = {
    name: 'optics',
    pairs: [],
    line: 0,
    loops: [{
      labels: ['rlnOpticsGroupName', 'rlnOpticsGroup', 'rlnMicrographOriginalPixelSize', 'rlnVoltage', 'rlnSphericalAberration', 'rlnAmplitudeContrast', 'rlnMicrographPixelSize'],
      rows: [['opticsGroup1', '1', String(pixelSizeA), String(first?.voltageKv ?? 300), String(first?.sphericalAberrationMm ?? 2.7), String(first?.amplitudeContrast ?? 0.07), String(pixelSizeA)]],
      line: 0,
      rowLines: [0],
    }],
  };
  const micrographs = {
    name: 'micrographs',
    pairs: [],
    line: 0,
    loops: [{
      labels: ['rlnMicrographName', 'rlnOpticsGroup', 'rlnDefocusU', 'rlnDefocusV', 'rlnDefocusAngle', 'rlnCtfBfactor'],
      rows: rows.map((r) => [r.micrograph, '1', r.ctf.defocusUA.toFixed(2), r.ctf.defocusVA.toFixed(2), r.ctf.astigmatismAngleDeg.toFixed(3), r.ctf.bFactorA2.toFixed(3)]),
      line: 0,
      rowLines: rows.map(() => 0),
    }],
  };
  const file: StarFile = { blocks: [optics, micrographs] };
  return formatStar(file, { headerComment: 'version 30001' });
}
