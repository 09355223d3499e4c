// The one expansion of micrograph arguments (files and folders) into a file list, used by every
// command that takes micrographs (train, tune, pick, preprocess, convert), with one set of messages;
// and the pixel size their MRC headers record (for sizes given in Å).
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { micrographKind } from './micrograph.js';
import { ConfigError } from '../errors.js';
import { openMrc } from './mrc-reader.js';
import { voxelSizeA } from './mrc-layout.js';

/**
 * Files are kept as given; folders contribute their micrograph files (MRC, TIFF, PNG/JPEG; not
 * recursive), sorted by name. Duplicates are dropped.
 * @param option the flag or config key the inputs came from, named in messages (e.g. "micrographs")
 * @throws ConfigError listing every missing path and every folder without micrographs.
 */
export function listMicrographs(inputs: readonly string[], option = 'micrographs'): string[] {
  const out: string[] = [];
  const problems = [];
  for (const input of inputs) {
    if (!existsSync(input)) {
      problems.push({ path: input, message: 'does not exist' });
    } else if (statSync(input).isDirectory()) {
      const files = readdirSync(input).filter((f) => micrographKind(f) !== undefined).sort().map((f) => join(input, f));
      if (files.length === 0) problems.push({ path: input, message: 'holds no micrographs (.mrc, .tif, .png, ...)' });
      out.push(...files);
    } else {
      out.push(input);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, `cannot read the ${option}`);
  return [...new Set(out)];
}

/** The pixel size in Å an MRC micrograph's header records (header only), or undefined (no MRC, or 0 in the header). */
export async function headerPixelSizeA(path: string): Promise<number | undefined> {
  if (micrographKind(path) !== 'mrc') return undefined;
  const opened = await openMrc(path, { permissive: true });
  try {
    const x = voxelSizeA(opened.layout.header).x;
    return x !== undefined && x > 0 ? x : undefined;
  } finally {
    await opened.source.close();
  }
}
