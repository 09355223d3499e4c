// Coordinate inputs of the commands: the one check of a --*-format value, and the one reader of
// pick files given with a binning (files or folders in any format, or a `cryopick pick` run folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { COORDINATE_FORMATS, readCoordinates, type CoordinateFormat } from '../../io/coordinate-formats.js';
import { fileFrame, type MicrographPicks } from '../../io/coords.js';
import { MANIFEST_NAME, readManifest } from '../../pick/pick-run.js';
import { readRunPicks } from '../../pick/detections.js';

/** A coordinate format named by `flag`, or undefined. @throws UsageError listing the formats. */
export function parseFormatFlag(name: string | undefined, flag: string): CoordinateFormat | undefined {
  if (name === undefined) return undefined;
  if (!(COORDINATE_FORMATS as readonly string[]).includes(name)) throw new UsageError(`${flag}: unknown format '${name}' (choose from ${COORDINATE_FORMATS.join(', ')})`);
  return name as CoordinateFormat;
}

/** Reads pick files in a frame binned by `binning`; a pick run folder gives every stored detection in original pixels. */
export async function readPickFiles(paths: readonly string[], format: CoordinateFormat | undefined, binning: number): Promise<MicrographPicks[]> {
  const out: MicrographPicks[] = [];
  for (const path of paths) {
    if (existsSync(join(path, MANIFEST_NAME))) {
      out.push(...(await readRunPicks(path, (await readManifest(path)).micrographs)));
      continue;
    }
    out.push(...(await readCoordinates(path, { frame: fileFrame(binning), ...(format === undefined ? {} : { format }) })));
  }
  return out;
}
