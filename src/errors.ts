// Domain error classes. User mistakes (bad files, bad parameters) are one of these and are
// printed by the CLI as one located line; anything else is a bug and prints a stack trace.

/** Base class for errors caused by user input rather than by a bug. */
export class UserError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where in a file a problem was found: a 1-based line or a 0-based byte offset. */
export interface FileLocation {
  readonly path: string;
  readonly line?: number;
  readonly byteOffset?: number;
}

function describeLocation(loc: FileLocation): string {
  if (loc.line !== undefined) return `${loc.path} line ${loc.line}`;
  if (loc.byteOffset !== undefined) return `${loc.path} byte ${loc.byteOffset}`;
  return loc.path;
}

/** A file that does not follow its format. The message starts with the file and the place. */
export class FormatError extends UserError {
  readonly location: FileLocation;
  readonly detail: string;
  constructor(location: FileLocation, detail: string) {
    super('EFORMAT', `${describeLocation(location)}: ${detail}`);
    this.location = location;
    this.detail = detail;
  }
}

/** Arrays or images whose shapes do not fit together. */
export class ShapeError extends UserError {
  constructor(message: string) {
    super('ESHAPE', message);
  }
}

/** One problem in a configuration or parameter set; `path` is where (e.g. `train.lr`). */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Invalid parameters or configuration; lists every problem found, not only the first. */
export class ConfigError extends UserError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], heading = 'invalid parameters') {
    const lines = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
    super('ECONFIG', problems.length === 1 ? `${heading}: ${lines[0]}` : `${heading}:\n  ${lines.join('\n  ')}`);
    this.problems = problems;
  }
}

/** Parameters (flags, or a parameter set built from them) that are out of range or do not fit
 * together: a usage error, so the CLI exits with 2 like an unknown option. */
export class ParameterError extends ConfigError {
  constructor(problems: readonly ConfigProblem[], heading = 'invalid parameters') {
    super(problems, heading);
  }
}

/** Wrong command-line usage (unknown option, missing argument); the CLI exits with 2. */
export class UsageError extends UserError {
  constructor(message: string) {
    super('EUSAGE', message);
  }
}

/** A run stopped by Ctrl+C that can be resumed; the CLI exits with 130 (128 + SIGINT). */
export class InterruptedError extends UserError {
  constructor(message: string) {
    super('EINTERRUPTED', message);
  }
}

/** A run that finished but skipped some inputs (e.g. `pick --skip-bad`); the CLI exits with 3. */
export class PartialFailureError extends UserError {
  constructor(message: string) {
    super('EPARTIAL', message);
  }
}

/** A feature that needs something missing on this machine (e.g. a GPU provider library). */
export class UnavailableError extends UserError {
  constructor(message: string) {
    super('EUNAVAILABLE', message);
  }
}

/** A recoverable problem returned (not thrown) by permissive readers and validators. */
export interface Problem {
  readonly message: string;
  readonly byteOffset?: number;
  readonly line?: number;
}
