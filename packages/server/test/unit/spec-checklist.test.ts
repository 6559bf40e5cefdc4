/**
 * Keeps docs/spec-checklist.md honest: every requirement ID is in the table once, and every test
 * it names exists in the file it names.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const repository = new URL('../../../../', import.meta.url);
const serverTests = new URL('packages/server/test/', repository);

/** How many items each section of the checklist has (A1.1 … A1.18, …). */
const SECTIONS: Record<string, number> = {
  A1: 18, A2: 6, A3: 5, A4: 2, A5: 4, A6: 3, A7: 4, A8: 4, A9: 3,
  B1: 3, B2: 4, B3: 4, B4: 1, B5: 1, B6: 2, B7: 3, B8: 3, B9: 2, B10: 1, B11: 3, B12: 1, B13: 3, B14: 5, B15: 3,
  C1: 3, C2: 2, C3: 5,
};

describe('docs/spec-checklist.md', () => {
  const table = readFileSync(new URL('docs/spec-checklist.md', repository), 'utf8');
  const rows = new Map<string, string>();
  for (const line of table.split('\n')) {
    const match = /^\| ([ABC]\d+\.\d+) \| [MSC][^|]* \| .* \| (.+) \|$/.exec(line);
    if (match) rows.set(match[1]!, match[2]!);
  }

  it('lists every requirement ID once, each with tests or a reason', () => {
    const expected = Object.entries(SECTIONS).flatMap(([section, count]) => Array.from({ length: count }, (_, i) => `${section}.${i + 1}`));
    assert.deepEqual([...rows.keys()].sort(), expected.sort());
    assert.equal(table.split('\n').filter((line) => /^\| [ABC]\d+\.\d+ \|/.test(line)).length, expected.length, 'no ID twice');
    for (const [id, cover] of rows) assert.ok(cover.includes(' › ') || cover.startsWith('**Not applicable**'), `${id}: ${cover}`);
  });

  it('names only tests that exist, in the file named', () => {
    let checked = 0;
    for (const [id, cover] of rows) {
      for (const reference of cover.split('<br>')) {
        const match = /^`([^`]+\.test\.ts)` › (.+)$/.exec(reference);
        if (!match) continue;
        const [, path, title] = match as unknown as [string, string, string];
        const file = path.startsWith('packages/') || path.startsWith('examples/') ? new URL(path, repository) : new URL(path, serverTests);
        assert.ok(existsSync(file), `${id}: no file ${path}`);
        const source = readFileSync(file, 'utf8');
        const unescaped = title.replace(/\\\|/g, '|');
        assert.ok(source.includes(unescaped) || source.includes(unescaped.replace(/'/g, "\\'")), `${id}: no test "${title}" in ${path}`);
        checked++;
      }
    }
    assert.ok(checked > 150, `${checked} references checked`);
  });
});
