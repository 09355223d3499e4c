// Shared commander option parsers: numbers checked at parse time, so a bad value is a usage
// error (exit 2) naming the option's expected form.
import { InvalidArgumentError } from 'commander';

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
