// Reads the ATOM/HETATM records of a PDB file (fixed columns, PDB format v3.3) into a Molecule
// for the simulator; only the first MODEL is used, waters are skipped, weights are atomic numbers.
import { readFileSync } from 'node:fs';
import { FormatError } from '../errors.js';
import { makeMolecule, type Molecule } from './molecule.js';

const ATOMIC_NUMBER: Readonly<Record<string, number>> = {
  H: 1, D: 1, C: 6, N: 7, O: 8, F: 9, NA: 11, MG: 12, P: 15, S: 16, CL: 17, K: 19, CA: 20,
  MN: 25, FE: 26, CO: 27, NI: 28, CU: 29, ZN: 30, SE: 34, BR: 35, I: 53, W: 74, PT: 78, AU: 79, HG: 80, U: 92,
};

/** Blur of a real atom (Å): atomic form factor plus a little thermal motion. */
const ATOM_SIGMA_A = 1.0;

function elementOf(line: string): string {
  const el = line.slice(76, 78).trim().toUpperCase();
  if (el) return el;
  // old files without the element column: first letter(s) of the atom name
  const name = line.slice(12, 16).trim().toUpperCase().replace(/^[0-9]+/, '');
  return name.slice(0, 1);
}

/** Parses PDB text; `path` is only used in error messages. */
export function parsePdb(text: string, path: string): Molecule {
  const xyz: number[] = [];
  const weight: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('ENDMDL')) break;
    if (!line.startsWith('ATOM  ') && !line.startsWith('HETATM')) continue;
    const resName = line.slice(17, 20).trim();
    if (resName === 'HOH' || resName === 'WAT') continue;
    const x = Number(line.slice(30, 38));
    const y = Number(line.slice(38, 46));
    const z = Number(line.slice(46, 54));
    if (line.length < 54 || ![x, y, z].every((v) => Number.isFinite(v)) || line.slice(30, 54).trim() === '') {
      throw new FormatError(
        { path, line: i + 1 },
        `expected x, y, z coordinates in columns 31–54 of an ${line.slice(0, 6).trim()} record, found "${line.slice(30, 54)}"`,
      );
    }
    xyz.push(x, y, z);
    weight.push(ATOMIC_NUMBER[elementOf(line)] ?? 6);
  }
  if (weight.length === 0) throw new FormatError({ path }, 'expected ATOM or HETATM records, found none');
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  return makeMolecule(`pdb:${base}`, 'C1', Float32Array.from(xyz), Float32Array.from(weight), ATOM_SIGMA_A);
}

/** Reads a PDB file. @throws FormatError when it has no usable atoms. */
export function readPdb(path: string): Molecule {
  return parsePdb(readFileSync(path, 'utf8'), path);
}
