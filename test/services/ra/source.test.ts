// RA source selection: configured preference order, canonical matching, fallback with a problem.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { selectSource } from '../../../src/services/ra/source.ts';

const facts = (...lls: string[]) => ({ linkLocalAddresses: lls, ...(lls[0] === undefined ? {} : { linkLocal: lls[0] }) });

const CASES: ReadonlyArray<{ name: string; configured: string[]; lls: string[]; source: string | undefined; codes: string[] }> = [
  { name: 'nothing configured: the first link-local', configured: [], lls: ['fe80::aa', 'fe80::1'], source: 'fe80::aa', codes: [] },
  { name: 'a configured address that is assigned', configured: ['fe80::1'], lls: ['fe80::aa', 'fe80::1'], source: 'fe80::1', codes: [] },
  { name: 'configured order wins over kernel order', configured: ['fe80::2', 'fe80::1'], lls: ['fe80::aa', 'fe80::1', 'fe80::2'], source: 'fe80::2', codes: [] },
  { name: 'a missing first choice is skipped', configured: ['fe80::9', 'fe80::1'], lls: ['fe80::aa', 'fe80::1'], source: 'fe80::1', codes: [] },
  { name: 'matched in canonical form', configured: ['FE80:0:0:0:0:0:0:1'], lls: ['fe80::aa', 'fe80::1'], source: 'fe80::1', codes: [] },
  { name: 'none assigned: fallback and a problem', configured: ['fe80::9'], lls: ['fe80::aa'], source: 'fe80::aa', codes: ['ra-source-missing'] },
  { name: 'no link-local at all', configured: [], lls: [], source: undefined, codes: ['no-link-local'] },
  { name: 'no link-local, configured ones missing too', configured: ['fe80::1'], lls: [], source: undefined, codes: ['no-link-local'] },
];

for (const c of CASES) {
  test(`selectSource: ${c.name}`, () => {
    const r = selectSource(c.configured, facts(...c.lls));
    assert.equal(r.source, c.source);
    assert.deepEqual(r.problems.map((p) => p.code), c.codes);
  });
}

test('selectSource: the fallback problem names the addresses and the config path', () => {
  const [p] = selectSource(['fe80::9', 'fe80::8'], facts('fe80::aa')).problems;
  assert.deepEqual(p?.where, { path: 'raSourceAddresses' });
  assert.match(p?.message ?? '', /fe80::9, fe80::8.*fe80::aa/);
});

test('selectSource property: the source is always assigned, and a configured one when any is', () => {
  const ll = fc.integer({ min: 1, max: 12 }).map((n) => `fe80::${n.toString(16)}`);
  fc.assert(
    fc.property(fc.uniqueArray(ll, { maxLength: 6 }), fc.array(ll, { maxLength: 6 }), (assigned, configured) => {
      const r = selectSource(configured, facts(...assigned));
      if (assigned.length === 0) return r.source === undefined;
      assert.ok(r.source !== undefined && assigned.includes(r.source));
      const wanted = configured.find((a) => assigned.includes(a));
      if (wanted !== undefined) assert.equal(r.source, wanted);
      else if (configured.length > 0) assert.deepEqual(r.problems.map((p) => p.code), ['ra-source-missing']);
      else assert.equal(r.source, assigned[0]);
      return true;
    }),
  );
});
