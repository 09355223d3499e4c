// RELION micrograph lists (`micrographs_ctf.star`, `corrected_micrographs.star`) of RELION 3.0–5:
// micrograph names relative to the project folder, pixel size from the optics group (3.1+) or
// from the micrograph rows (3.0: _rlnMicrographPixelSize, or detector pixel size / magnification).
import { resolve } from 'node:path';
import { FormatError } from '../errors.js';
import { readStar, starColumn, type StarLoop } from '../io/star.js';

export interface RelionMicrograph {
  /** As written in the STAR file (relative to the project folder). */
  readonly name: string;
  /** Resolved against the project folder. */
  readonly path: string;
  /** Å per pixel, when the file records it. */
  readonly pixelSize?: number;
  readonly opticsGroup?: number;
}

function loopWith(blocks: Awaited<ReturnType<typeof readStar>>['file']['blocks'], label: string, prefer: string): StarLoop | undefined {
  const hits = blocks.flatMap((b) => b.loops.filter((l) => starColumn(l, label) >= 0).map((l) => ({ b, l })));
  return (hits.find((h) => h.b.name === prefer) ?? hits[0])?.l;
}

function num(text: string | undefined, path: string, line: number, what: string): number {
  const v = Number(text);
  if (text === undefined || !Number.isFinite(v)) throw new FormatError({ path, line }, `${what}: expected a number, found '${text ?? ''}'`);
  return v;
}

/**
 * Reads a RELION micrograph STAR file.
 * @throws FormatError (with the line) when there is no _rlnMicrographName loop, a micrograph's
 * optics group is not in the optics block, or a pixel size is not a number.
 */
export async function readMicrographsStar(path: string, projectDir = process.cwd()): Promise<RelionMicrograph[]> {
  const { file } = await readStar(path);
  const mics = loopWith(file.blocks, 'rlnMicrographName', 'micrographs');
  if (!mics) throw new FormatError({ path, line: 1 }, 'no loop with _rlnMicrographName: not a RELION micrograph list (micrographs_ctf.star)');
  const optics = new Map<number, number | undefined>();
  const opticsLoop = loopWith(file.blocks, 'rlnOpticsGroup', 'optics');
  if (opticsLoop && opticsLoop !== mics) {
    const g = starColumn(opticsLoop, 'rlnOpticsGroup');
    const px = ['rlnMicrographPixelSize', 'rlnMicrographOriginalPixelSize', 'rlnImagePixelSize'].map((l) => starColumn(opticsLoop, l)).find((c) => c >= 0);
    opticsLoop.rows.forEach((row, i) => {
      const line = opticsLoop.rowLines[i] ?? 0;
      optics.set(num(row[g], path, line, '_rlnOpticsGroup'), px === undefined ? undefined : num(row[px], path, line, 'pixel size'));
    });
  }
  const name = starColumn(mics, 'rlnMicrographName');
  const group = starColumn(mics, 'rlnOpticsGroup');
  const rowPx = starColumn(mics, 'rlnMicrographPixelSize');
  const det = starColumn(mics, 'rlnDetectorPixelSize');
  const mag = starColumn(mics, 'rlnMagnification');
  return mics.rows.map((row, i) => {
    const line = mics.rowLines[i] ?? 0;
    const micrograph = row[name] as string;
    let pixelSize: number | undefined;
    let opticsGroup: number | undefined;
    if (group >= 0 && optics.size > 0) {
      opticsGroup = num(row[group], path, line, '_rlnOpticsGroup');
      if (!optics.has(opticsGroup)) throw new FormatError({ path, line }, `${micrograph}: optics group ${opticsGroup} is not in the optics block (groups ${[...optics.keys()].join(', ')})`);
      pixelSize = optics.get(opticsGroup);
    } else if (rowPx >= 0) {
      pixelSize = num(row[rowPx], path, line, '_rlnMicrographPixelSize');
    } else if (det >= 0 && mag >= 0) {
      pixelSize = (num(row[det], path, line, '_rlnDetectorPixelSize') * 1e4) / num(row[mag], path, line, '_rlnMagnification');
    }
    return { name: micrograph, path: resolve(projectDir, micrograph), ...(pixelSize === undefined ? {} : { pixelSize }), ...(opticsGroup === undefined ? {} : { opticsGroup }) };
  });
}
