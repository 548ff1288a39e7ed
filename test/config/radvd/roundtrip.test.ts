// Writer ↔ parser symmetry: every fixture and every generated tree survives write → parse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { RadvdConfig } from '../../../src/config/radvd/ast.ts';
import { parseRadvdConf } from '../../../src/config/radvd/parser.ts';
import { writeRadvdConf } from '../../../src/config/radvd/writer.ts';
import { describe as describeProblem, unwrap } from '../../../src/lib/result.ts';
import { config } from './arbitraries.ts';
import { loadFixtures } from './fixtures.ts';

const parse = (text: string): RadvdConfig => {
  const r = parseRadvdConf(text);
  if (!r.ok) assert.fail(describeProblem(r.error));
  return r.value;
};

for (const f of loadFixtures()) {
  test(`fixture ${f.name}: write → parse gives the same tree, and writing is stable`, () => {
    const tree = parse(f.text);
    const written = writeRadvdConf(tree);
    assert.deepStrictEqual(parse(written), tree);
    assert.equal(writeRadvdConf(parse(written)), written);
  });
}

test('any valid tree: parse(write(tree)) equals tree', () => {
  fc.assert(
    fc.property(config, (tree) => {
      // fast-check may build null-prototype records; compare as plain data.
      assert.deepStrictEqual(unwrap(parseRadvdConf(writeRadvdConf(tree))), JSON.parse(JSON.stringify(tree)));
    }),
    { numRuns: 200 },
  );
});

test('any text: the parser returns a result without throwing, and what parses is write-stable', () => {
  const seeds = loadFixtures().map((f) => f.text);
  const mutated = fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat({ max: 12 }), fc.string({ maxLength: 6 })).map(
    ([text, at, cut, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + cut);
    },
  );
  fc.assert(
    fc.property(fc.oneof(mutated, fc.string()), (text) => {
      const r = parseRadvdConf(text);
      if (!r.ok) {
        assert.ok('line' in (r.error.where ?? {}), 'every problem carries a line and column');
        return;
      }
      const written = writeRadvdConf(r.value);
      assert.deepStrictEqual(unwrap(parseRadvdConf(written)), r.value);
    }),
    { numRuns: 500 },
  );
});
