// Old flag spellings kept working for one release: registered hidden from --help, then mapped onto
// the new name with a deprecation note. Flags that changed name say their unit now (`-px` original
// micrograph pixels, `-grid-px` downsampled working-grid pixels, `-a` Å) or share one name across
// commands for one setting.
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';

export interface RenamedFlag {
  /** The old spelling, without dashes. */
  readonly old: string;
  /** The new spelling, without dashes. */
  readonly now: string;
  /** False for switches without a value. */
  readonly takesValue?: boolean;
}

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Registers the old spellings on `cmd`, hidden from --help. */
export function addRenamedFlags(cmd: Command, renamed: readonly RenamedFlag[]): void {
  for (const r of renamed) cmd.addOption(new Option(`--${r.old}${r.takesValue === false ? '' : ' <value>'}`).hideHelp());
}

/**
 * Moves values given under an old spelling to the new one (in place), writing one deprecation
 * note per old flag used. @throws UsageError when both spellings are given with different values.
 */
export function applyRenamedFlags(flags: Record<string, unknown>, renamed: readonly RenamedFlag[],
  write: (s: string) => void = (s) => void process.stderr.write(s)): void {
  for (const r of renamed) {
    const value = flags[camel(r.old)];
    if (value === undefined) continue;
    const given = flags[camel(r.now)];
    if (given !== undefined && given !== value) throw new UsageError(`--${r.old} is the old name of --${r.now}; give only --${r.now}`);
    flags[camel(r.now)] = value;
    delete flags[camel(r.old)];
    write(`note: --${r.old} is deprecated and will be removed in the next release; use --${r.now}\n`);
  }
}

/** Old spellings of the matching sizes of evaluate and threshold. */
export const MATCH_RENAMED: readonly RenamedFlag[] = [{ old: 'diameter', now: 'diameter-px' }, { old: 'radius', now: 'match-radius-px' }];
