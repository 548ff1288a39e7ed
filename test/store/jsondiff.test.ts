import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffJson, formatDiff, type DiffEntry } from '../../src/lib/jsondiff.ts';

const cases: { name: string; a: unknown; b: unknown; want: DiffEntry[] }[] = [
  { name: 'equal scalars', a: 5, b: 5, want: [] },
  { name: 'equal nested', a: { x: [1, { y: null }] }, b: { x: [1, { y: null }] }, want: [] },
  { name: 'root scalar change', a: 1, b: 2, want: [{ path: '', kind: 'changed', before: 1, after: 2 }] },
  {
    name: 'deep path in arrays of objects',
    a: { interfaces: { lan0: { ra: { prefixes: [{ validLifetime: 10 }, { validLifetime: 20 }] } } } },
    b: { interfaces: { lan0: { ra: { prefixes: [{ validLifetime: 10 }, { validLifetime: 30 }] } } } },
    want: [{ path: 'interfaces.lan0.ra.prefixes[1].validLifetime', kind: 'changed', before: 20, after: 30 }],
  },
  {
    name: 'array grows and shrinks by index',
    a: { p: ['a', 'b', 'c'] },
    b: { p: ['a', 'x'] },
    want: [
      { path: 'p[1]', kind: 'changed', before: 'b', after: 'x' },
      { path: 'p[2]', kind: 'removed', before: 'c' },
    ],
  },
  {
    name: 'nested arrays',
    a: { m: [[1, 2], [3]] },
    b: { m: [[1, 2, 9], [4], [5]] },
    want: [
      { path: 'm[0][2]', kind: 'added', after: 9 },
      { path: 'm[1][0]', kind: 'changed', before: 3, after: 4 },
      { path: 'm[2]', kind: 'added', after: [5] },
    ],
  },
  {
    name: 'type change object to array is one change',
    a: { dns: { servers: ['2001:db8::53'] } },
    b: { dns: ['2001:db8::53'] },
    want: [{ path: 'dns', kind: 'changed', before: { servers: ['2001:db8::53'] }, after: ['2001:db8::53'] }],
  },
  {
    name: 'type change scalar to null',
    a: { mtu: 1500 },
    b: { mtu: null },
    want: [{ path: 'mtu', kind: 'changed', before: 1500, after: null }],
  },
  {
    name: 'string "1" is not number 1',
    a: { v: '1' },
    b: { v: 1 },
    want: [{ path: 'v', kind: 'changed', before: '1', after: 1 }],
  },
  {
    name: 'keys in sorted order whatever the insertion order',
    a: { z: 1, a: 1, m: 1 },
    b: { m: 2, b: 1, z: 1 },
    want: [
      { path: 'a', kind: 'removed', before: 1 },
      { path: 'b', kind: 'added', after: 1 },
      { path: 'm', kind: 'changed', before: 1, after: 2 },
    ],
  },
  {
    name: 'awkward keys are bracket-quoted, hyphens stay bare',
    a: { interfaces: { 'eth0.100': { mtu: 1500 }, 'br-lan': { mtu: 1500 } } },
    b: { interfaces: { 'eth0.100': { mtu: 9000 }, 'br-lan': { mtu: 1280 } } },
    want: [
      { path: 'interfaces.br-lan.mtu', kind: 'changed', before: 1500, after: 1280 },
      { path: 'interfaces["eth0.100"].mtu', kind: 'changed', before: 1500, after: 9000 },
    ],
  },
  {
    name: 'a key starting with a digit is quoted',
    a: { vlans: { '10': 'a' } },
    b: { vlans: {} },
    want: [{ path: 'vlans["10"]', kind: 'removed', before: 'a' }],
  },
  {
    name: 'undefined counts as absent, as in JSON',
    a: { x: undefined, y: 1 },
    b: { y: 1 },
    want: [],
  },
  {
    name: 'whole subtree added',
    a: { interfaces: {} },
    b: { interfaces: { lan1: { mtu: 1500 } } },
    want: [{ path: 'interfaces.lan1', kind: 'added', after: { mtu: 1500 } }],
  },
  {
    name: 'root array',
    a: [1],
    b: [1, 2],
    want: [{ path: '[1]', kind: 'added', after: 2 }],
  },
];

for (const c of cases) {
  test(`diffJson: ${c.name}`, () => {
    assert.deepEqual(diffJson(c.a, c.b), c.want);
  });
}

test('formatDiff renders one unified line per entry', () => {
  const text = formatDiff([
    { path: 'interfaces.lan0.mtu', kind: 'changed', before: 1500, after: 9000 },
    { path: 'interfaces.lan1', kind: 'added', after: { mtu: 1500 } },
    { path: 'dns.servers[0]', kind: 'removed', before: '2001:db8::53' },
    { path: '', kind: 'changed', before: 1, after: 'x' },
  ]);
  assert.equal(
    text,
    [
      '~ interfaces.lan0.mtu: 1500 → 9000',
      '+ interfaces.lan1: {"mtu":1500}',
      '- dns.servers[0]: "2001:db8::53"',
      '~ (document): 1 → "x"',
    ].join('\n'),
  );
  assert.equal(formatDiff([]), '');
});

const json = fc.jsonValue({ maxDepth: 4 });

test('property: a value never differs from itself or its JSON copy', () => {
  fc.assert(
    fc.property(json, (v) => {
      assert.deepEqual(diffJson(v, v), []);
      assert.deepEqual(diffJson(v, JSON.parse(JSON.stringify(v))), []);
    }),
  );
});

test('property: the diff is empty exactly when the values are equal as JSON', () => {
  fc.assert(
    fc.property(json, json, (a, b) => {
      // Object key order does not matter to JSON equality; compare canonical forms.
      const same = canonical(a) === canonical(b);
      assert.equal(diffJson(a, b).length === 0, same);
    }),
  );
});

test('property: swapping the sides swaps added/removed and before/after', () => {
  const flip = (e: DiffEntry): DiffEntry =>
    e.kind === 'added'
      ? { path: e.path, kind: 'removed', before: e.after }
      : e.kind === 'removed'
        ? { path: e.path, kind: 'added', after: e.before }
        : { path: e.path, kind: 'changed', before: e.after, after: e.before };
  const byPath = (x: DiffEntry, y: DiffEntry) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0);
  fc.assert(
    fc.property(json, json, (a, b) => {
      assert.deepEqual(diffJson(b, a).map(flip).sort(byPath), diffJson(a, b).sort(byPath));
    }),
  );
});

test('property: paths are unique and the output is deterministic', () => {
  fc.assert(
    fc.property(json, json, (a, b) => {
      const d = diffJson(a, b);
      assert.equal(new Set(d.map((e) => e.path)).size, d.length);
      assert.deepEqual(diffJson(a, b), d);
    }),
  );
});

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
