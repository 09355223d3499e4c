#!/usr/bin/env node
// Executable entry of the `cryopick` command: runs the CLI and sets the exit code.
import { main } from './main.js';

// `cryopick ... | head` closes stdout early: stop quietly instead of printing a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

process.exitCode = await main(process.argv.slice(2));
