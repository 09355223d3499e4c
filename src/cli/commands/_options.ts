// Shared commander option parsers: numbers checked at parse time, so a bad value is a usage
// error (exit 2) naming the option's expected form.
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../errors.js';

/** Parses a whole number (for commander's option argParser). */
export function parseIntegerOption(text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v)) throw new InvalidArgumentError(`expected a whole number, found "${text}"`);
  return v;
}

/** Parses a finite number (for commander's option argParser). */
export function parseNumberOption(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`expected a number, found "${text}"`);
  return v;
}

/**
 * Parses an optional numeric flag value checked after parsing: undefined stays undefined, a value
 * that is not a finite number or fails `check` is a UsageError naming the flag and `expected`.
 */
export function parseNumberFlag(text: string | undefined, flag: string, check: (v: number) => boolean = () => true, expected = 'a number'): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !check(v)) throw new UsageError(`${flag}: expected ${expected}, got '${text}'`);
  return v;
}
