// `cryopick merge SHARD_DIRS... --out RUN`: combines the shard folders of `pick --shard K/N` into
// one pick run (detection store, formatted outputs, optional HTML report) equal to a single run.
import { UsageError } from '../../errors.js';
import { mergeShards } from '../../pick/merge.js';
import { readManifest } from '../../pick/pick-run.js';
import { parseOutputFormats, writePickOutputs, PICK_OUTPUT_FORMATS } from '../../pick/outputs.js';
import { autoThreshold, fixedDefaultThreshold } from '../../pick/auto-threshold.js';
import { parseNumberFlag } from './_options.js';
import { withRunLock } from '../../io/run-lock.js';

interface MergeFlags {
  readonly out: string;
  readonly format: string;
  readonly threshold?: string;
  readonly boxSize?: string;
  readonly report?: string;
  readonly overwrite?: boolean;
}

export async function mergeAction(dirs: string[], flags: MergeFlags): Promise<void> {
  const { formats, unknown } = parseOutputFormats(flags.format);
  if (unknown.length > 0 || formats.length === 0) throw new UsageError(`--format: unknown '${unknown.join(',')}' (choose from ${PICK_OUTPUT_FORMATS.join(', ')})`);
  const given = parseNumberFlag(flags.threshold, '--threshold', () => true, 'a number');
  const boxSizePx = parseNumberFlag(flags.boxSize, '--box-size', (v) => v > 0, 'a positive number');
  await withRunLock(flags.out, 'merge', async () => {
    const started = Date.now();
    const first = await readManifest(dirs[0] as string);
    // shards picked with the automatic default (general models) are thresholded as one run would be, from all their scores, once merged
    const fixed = given ?? (first.thresholdRule === 'auto' ? undefined : fixedDefaultThreshold(first));
    if (fixed !== undefined && fixed < first.floor) throw new UsageError(`--threshold (${fixed}) is below the floor the shards kept detections at (${first.floor})`);
    const { manifest, shards } = await mergeShards(dirs, flags.out, { overwrite: flags.overwrite ?? false });
    const threshold = fixed ?? (await autoThreshold(flags.out, manifest.micrographs, (line) => void process.stdout.write(line)));
    const box = boxSizePx ?? manifest.diameterPx ?? undefined;
    const written = await writePickOutputs(flags.out, manifest.micrographs, threshold, formats, flags.out, { overwrite: flags.overwrite ?? false, ...(box === undefined ? {} : { boxSizePx: box }) });
    const n = manifest.micrographs.length;
    process.stdout.write(`merged ${shards} shard(s): ${n} micrograph(s) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    process.stdout.write(`${written.particles} particles at score >= ${threshold} (${(written.particles / Math.max(1, n)).toFixed(1)} per micrograph); detections >= ${manifest.floor} kept in ${flags.out}/detections for cryopick threshold\n`);
    process.stdout.write(`wrote ${written.files.length} file(s): ${formats.join(', ')}\n`);
    if (flags.report !== undefined) {
      // the report's plotting libraries load only for --report
      const [{ buildPickReport }, { writeHtmlReport }] = await Promise.all([import('../../report/pick-report.js'), import('../../report/html.js')]);
      const report = await buildPickReport(flags.out, { threshold });
      await writeHtmlReport(flags.report, { ...report, subtitle: `${report.subtitle ?? flags.out} · merged from ${shards} shards` }, { overwrite: flags.overwrite ?? false });
      process.stdout.write(`wrote ${flags.report}\n`);
    }
  });
}

