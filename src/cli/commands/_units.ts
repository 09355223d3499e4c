// Sizes users give in Å: a particle diameter in Å becomes original-micrograph pixels through the
// pixel size, given with --pixel-size-a or read from the first micrograph's MRC header.
import { UsageError } from '../../errors.js';
import { headerPixelSizeA } from '../../io/micrograph-inputs.js';
import { parseNumberFlag, positive } from './_options.js';

/**
 * The diameter in original pixels for `--<flag>-a` (Å), or undefined when not given.
 * @throws UsageError when both the pixel and the Å form are given, or no pixel size is known.
 */
export async function diameterPxFromA(flags: Readonly<Record<string, unknown>>, names: { px: string; a: string }, micrographs: () => readonly string[]): Promise<number | undefined> {
  const camel = (f: string): string => f.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const diameterA = parseNumberFlag(flags[camel(names.a)], `--${names.a}`, positive, 'a positive number of Å');
  if (diameterA === undefined) return undefined;
  if (flags[camel(names.px)] !== undefined) throw new UsageError(`give the diameter once: --${names.px} (original pixels) or --${names.a} (Å)`);
  let pixelSizeA = parseNumberFlag(flags['pixelSizeA'], '--pixel-size-a', positive, 'a positive number of Å per pixel');
  const first = micrographs()[0];
  if (pixelSizeA === undefined && first !== undefined) pixelSizeA = await headerPixelSizeA(first);
  if (pixelSizeA === undefined) {
    throw new UsageError(`--${names.a} needs the pixel size: the micrographs' headers do not record it (${first ?? 'no micrograph given'}); give --pixel-size-a`);
  }
  return diameterA / pixelSizeA;
}
