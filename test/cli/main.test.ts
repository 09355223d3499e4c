// CLI contract: help on every command, exit 2 for usage errors, one-line messages for user errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram, main } from '../../src/cli/main.js';

test('every command has a description and --help', () => {
  const program = buildProgram();
  assert.ok(program.commands.length >= 10);
  for (const cmd of program.commands) {
    assert.ok(cmd.description().length > 0, `${cmd.name()} has a description`);
    assert.ok(cmd.helpInformation().includes('Usage'), `${cmd.name()} renders help`);
  }
});

test('an unknown command exits with 2', async () => {
  const origWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    assert.equal(await main(['no-such-command']), 2);
  } finally {
    process.stderr.write = origWrite;
  }
});
