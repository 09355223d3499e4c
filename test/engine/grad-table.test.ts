// The gradient table is exhaustive by construction: these lines must keep failing to compile
// (an unused @ts-expect-error would break the build), and every rule is a function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GradTable } from '../../src/engine/grad/rule.js';
import { gradRules } from '../../src/engine/grad/table.js';

const { conv: _dropped, ...withoutConv } = gradRules;
// @ts-expect-error a table that lacks the conv rule is not a GradTable
const incomplete: GradTable = withoutConv;
// @ts-expect-error a rule for one op kind cannot stand in for another's attributes
const swapped: GradTable = { ...gradRules, maxPool: gradRules.avgPool };

test('every op kind has a gradient rule function', () => {
  const kinds = Object.keys(gradRules);
  assert.ok(kinds.length >= 32, `${kinds.length} rules`);
  for (const k of kinds) assert.equal(typeof gradRules[k as keyof typeof gradRules], 'function', k);
  void incomplete;
  void swapped;
  void _dropped;
});
