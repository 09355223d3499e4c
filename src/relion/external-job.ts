// RELION's External job contract: the job runs from the project folder, writes its outputs into
// <JobDir>/, lists them in RELION_OUTPUT_NODES.star (data_output_nodes: _rlnPipeLineNodeName,
// _rlnPipeLineNodeTypeLabel), and leaves an empty RELION_JOB_EXIT_SUCCESS or _FAILURE on exit.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { formatStar } from '../io/star.js';

export interface OutputNode {
  /** Path relative to the project folder, e.g. `External/job012/autopick.star`. */
  readonly name: string;
  /** RELION 4/5 node type label, e.g. `MicrographsCoords.star.relion.autopick`. */
  readonly type: string;
}

export const EXIT_SUCCESS = 'RELION_JOB_EXIT_SUCCESS';
export const EXIT_FAILURE = 'RELION_JOB_EXIT_FAILURE';
export const NODES_FILE = 'RELION_OUTPUT_NODES.star';

export function formatOutputNodes(nodes: readonly OutputNode[]): string {
  return formatStar({
    blocks: [{ name: 'output_nodes', pairs: [], line: 0, loops: [{ labels: ['rlnPipeLineNodeName', 'rlnPipeLineNodeTypeLabel'], rows: nodes.map((n) => [n.name, n.type]), line: 0, rowLines: [] }] }],
  }, { headerComment: 'version 50001' });
}

/**
 * Runs `body` as an External job: clears the exit files of an earlier run ("continue"), writes the
 * node file and RELION_JOB_EXIT_SUCCESS when `body` returns, or RELION_JOB_EXIT_FAILURE (and
 * rethrows, so the message reaches run.err and the exit code is non-zero) when it throws.
 */
export async function runExternalJob(jobDir: string, pipelineControl: string, body: () => Promise<readonly OutputNode[]>): Promise<readonly OutputNode[]> {
  if (!existsSync(jobDir)) throw new UserError('ENOENT', `--o: job folder ${jobDir} does not exist (RELION creates it; run from the project folder)`);
  for (const f of [EXIT_SUCCESS, EXIT_FAILURE]) await rm(join(pipelineControl, f), { force: true });
  try {
    const nodes = await body();
    await writeFileAtomic(join(jobDir, NODES_FILE), formatOutputNodes(nodes), { overwrite: true });
    await writeFileAtomic(join(pipelineControl, EXIT_SUCCESS), '', { overwrite: true });
    return nodes;
  } catch (err) {
    await writeFileAtomic(join(pipelineControl, EXIT_FAILURE), '', { overwrite: true });
    throw err;
  }
}
