// sbatch scripts from a template with RELION-style placeholders (XXXnameXXX, XXXqueueXXX, ...),
// so site-specific lines (accounts, modules, QOS) live in a file the facility already keeps.
import { ConfigError } from '../errors.js';

/** The placeholders a template may use; a line whose placeholder has no value is dropped. */
export const SLURM_PLACEHOLDERS = ['name', 'array', 'queue', 'time', 'threads', 'mem', 'outfile', 'errfile', 'dir', 'command'] as const;
export type SlurmPlaceholder = (typeof SLURM_PLACEHOLDERS)[number];

export const DEFAULT_SLURM_TEMPLATE = `#!/bin/bash
#SBATCH --job-name=XXXnameXXX
#SBATCH --array=XXXarrayXXX
#SBATCH --partition=XXXqueueXXX
#SBATCH --time=XXXtimeXXX
#SBATCH --cpus-per-task=XXXthreadsXXX
#SBATCH --mem=XXXmemXXX
#SBATCH --output=XXXoutfileXXX
#SBATCH --error=XXXerrfileXXX
#SBATCH --chdir=XXXdirXXX
set -euo pipefail
XXXcommandXXX
`;

/**
 * Fills `template`: each XXXkeyXXX becomes its value; a line holding a placeholder without a
 * value (an option not given) is left out.
 * @throws ConfigError naming `source` for unknown placeholders or a template without XXXcommandXXX.
 */
export function renderSlurmTemplate(template: string, values: Partial<Record<SlurmPlaceholder, string>>, source = 'the template'): string {
  const known = SLURM_PLACEHOLDERS as readonly string[];
  const problems = [];
  const unknown = [...new Set([...template.matchAll(/XXX([A-Za-z0-9_]+)XXX/g)].map((m) => m[1] as string))].filter((k) => !known.includes(k));
  if (unknown.length > 0) problems.push({ path: source, message: `unknown placeholder(s) ${unknown.map((k) => `XXX${k}XXX`).join(', ')} (known: ${known.map((k) => `XXX${k}XXX`).join(', ')})` });
  if (!template.includes('XXXcommandXXX')) problems.push({ path: source, message: 'has no XXXcommandXXX line: the cryopick command would never run' });
  if (problems.length > 0) throw new ConfigError(problems, 'cannot use the SLURM template');
  const lines = [];
  for (const line of template.split('\n')) {
    const keys = [...line.matchAll(/XXX([A-Za-z0-9_]+)XXX/g)].map((m) => m[1] as SlurmPlaceholder);
    if (keys.some((k) => values[k] === undefined || values[k] === '')) continue;
    lines.push(line.replace(/XXX([A-Za-z0-9_]+)XXX/g, (_, k: SlurmPlaceholder) => values[k] as string));
  }
  return lines.join('\n');
}

/** Quotes a word for bash when it holds anything beyond plain path characters. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,+@%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
