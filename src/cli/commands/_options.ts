// The one parser of numeric flag values: checked after commander has parsed, so a bad value is a
// usage error (exit 2) naming the flag, the expected form and what was given.
import { UsageError } from '../../errors.js';

/** The most common check. */
export const positive = (v: number): boolean => v > 0;

/**
 * Parses an optional numeric flag value: undefined stays undefined; anything that is not a finite
 * number written as text (or fails `check`) is a UsageError naming `flag` and `expected`.
 */
export function parseNumberFlag(value: unknown, flag: string, check: (v: number) => boolean = () => true, expected = 'a number'): number | undefined {
  if (value === undefined) return undefined;
  const v = typeof value === 'string' ? Number(value) : Number.NaN;
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(v) || !check(v)) throw new UsageError(`${flag}: expected ${expected}, got '${String(value)}'`);
  return v;
}
