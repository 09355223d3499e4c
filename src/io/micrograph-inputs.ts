// The one expansion of micrograph arguments (files and folders) into a file list, used by every
// command that takes micrographs (train, tune, pick, preprocess, convert), with one set of messages;
// and what their headers record: the pixel size (for sizes given in Å) and the image size.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { micrographKind, readMicrograph } from './micrograph.js';
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

/** Width and height of a micrograph: from the header for MRC, else by reading the image. */
export async function micrographSize(path: string): Promise<{ width: number; height: number }> {
  if (micrographKind(path) !== 'mrc') {
    const img = await readMicrograph(path);
    return { width: img.width, height: img.height };
  }
  const opened = await openMrc(path, { permissive: true });
  try {
    return { width: opened.layout.width, height: opened.layout.height };
  } finally {
    await opened.source.close();
  }
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
