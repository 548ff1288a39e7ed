// The daemon's lease reads: one keyset page and a COUNT against a brute-force filter over the same
// rows, the query plans (indexed, never a temporary B-tree), the reconcile facts against the old
// read-everything way, and migration 2 running once on a version-1 store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { DatabaseSync } from 'node:sqlite';
import { validateConfig } from '../../src/config/validate.ts';
import type { Config } from '../../src/config/schema.ts';
import { unwrap } from '../../src/lib/result.ts';
import { formatAddress } from '../../src/net/address.ts';
import { lastAddress, parsePrefix, type Prefix } from '../../src/net/prefix.ts';
import { allLeases, storeFacts } from '../../src/daemon/runtime.ts';
import { desiredState, leasedAddressesOf, leaseRoutesOf } from '../../src/reconcile/desired.ts';
import { openDatabase } from '../../src/store/database.ts';
import {
  addressesQuery, canonicalTextPrefix, containsPattern, countQuery, delegationsQuery, leaseQueries, pageQuery, searchTerms,
  type BoundQuery, type LeaseFilter,
} from '../../src/store/lease-queries.ts';
import type { LeaseKey } from '../../src/store/leases.ts';
import { applyMigrations, MIGRATIONS, schemaVersion } from '../../src/store/migrations.ts';
import type { LeaseRecord } from '../../src/store/records.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { tempDir } from '../store/fixture.ts';
import { parse, ROUTER } from '../reconcile/fixtures.ts';

const NOW = 1_800_000_000_000;

function openTemp(t: { after: (f: () => void) => void }): Store<Config> {
  const tmp = tempDir();
  const store = unwrap(openStore<Config>({ path: tmp.path, validate: validateConfig, now: () => NOW }));
  t.after(() => {
    store.close();
    tmp.remove();
  });
  return store;
}

const base = (l: Partial<LeaseRecord>): LeaseRecord => ({
  iface: 'lan0', duid: '000300010200000000aa', iaid: 1, kind: 'na', lease: '2001:db8:2::1', preferredLifetime: 100, validLifetime: 200,
  expiresAt: NOW + 60_000, state: 'active', ...l,
});

// --- the brute force the queries must agree with ----------------------------------------------

function keyOrder(a: LeaseRecord, b: LeaseRecord): number {
  const s = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return s(a.iface, b.iface) || s(a.duid, b.duid) || a.iaid - b.iaid || s(a.kind, b.kind) || s(a.lease, b.lease);
}

function matches(l: LeaseRecord, f: LeaseFilter): boolean {
  if (f.iface !== undefined && l.iface !== f.iface) return false;
  if (f.duid !== undefined && l.duid !== f.duid) return false;
  if (f.state !== undefined && l.state !== f.state) return false;
  const terms = searchTerms(f.search);
  if (terms === undefined) return true;
  return l.lease.includes(terms.text) || (l.clientLinkLocal ?? '').includes(terms.text) || (terms.duid !== '' && l.duid.includes(terms.duid));
}

const keyOf = (l: LeaseRecord): LeaseKey => ({ iface: l.iface, duid: l.duid, iaid: l.iaid, kind: l.kind, lease: l.lease });

/** Every page of `f`, following `next`; checks each page's total on the way. */
function walk(store: Store<Config>, f: LeaseFilter, limit: number, expectedTotal: number): LeaseRecord[] {
  const q = leaseQueries(store.database);
  const out: LeaseRecord[] = [];
  let after: LeaseKey | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = q.page({ ...f, limit, ...(after === undefined ? {} : { after }) });
    assert.equal(page.total, expectedTotal, 'every page reports the whole count');
    assert.ok(page.leases.length <= limit);
    out.push(...page.leases);
    if (page.next === undefined) return out;
    assert.equal(page.leases.length, limit, 'only a full page has a next');
    after = page.next;
  }
  throw new Error('paging did not end');
}

/** Rows as the store keeps them: unique keys, and one active binding per (iface, kind, lease). */
function storable(leases: readonly LeaseRecord[]): LeaseRecord[] {
  const keys = new Set<string>();
  const bindings = new Set<string>();
  return leases.filter((l) => {
    const key = JSON.stringify(keyOf(l));
    const binding = `${l.iface} ${l.kind} ${l.lease}`;
    if (keys.has(key) || (l.state === 'active' && bindings.has(binding))) return false;
    keys.add(key);
    if (l.state === 'active') bindings.add(binding);
    return true;
  });
}

const SMALL = [
  base({}),
  base({ iaid: 2, lease: '2001:db8:2::2', state: 'released' }),
  base({ iface: 'lan1', duid: '0001000100000001aabbccddeeff', lease: '2001:db8:3::10' }),
  base({ iface: 'lan1', duid: '0001000100000001aabbccddeeff', kind: 'pd', lease: '2001:db8:100::/56', clientLinkLocal: 'fe80::99' }),
  base({ iface: 'lan1', duid: '00030001020000000011', iaid: 7, lease: '2001:db8:3::11', state: 'expired' }),
  base({ iface: 'a|b', duid: '00030001020000000012', lease: '2001:db8:4::50_%' }),
];

test('pages and totals equal a brute-force filter over a small store', (t) => {
  const store = openTemp(t);
  for (const r of unwrap(store.leases.upsertBatch(SMALL))) unwrap(r);
  const cases: Array<[string, LeaseFilter]> = [
    ['everything', {}],
    ['one interface', { iface: 'lan1' }],
    ['an interface name with the cursor separator', { iface: 'a|b' }],
    ['one client', { duid: '0001000100000001aabbccddeeff' }],
    ['active only', { state: 'active' }],
    ['active on lan1', { state: 'active', iface: 'lan1' }],
    ['search in lease text', { search: '2001:db8:3::' }],
    ['search in a DUID typed with colons', { search: 'AA:BB:CC' }],
    ['search in the next hop', { search: 'fe80::99' }],
    ['LIKE wildcards are literal', { search: '_%' }],
    ['a lone % finds only a literal %', { search: '%' }],
    ['an underscore is not any character', { search: '2001_db8' }],
    ['blank search is no search', { search: '   ' }],
    ['nothing matches', { search: 'nothing-like-this' }],
  ];
  for (const [name, f] of cases) {
    const want = SMALL.filter((l) => matches(l, f)).sort(keyOrder);
    for (const limit of [1, 2, 100]) {
      assert.deepEqual(walk(store, f, limit, want.length), want, `${name}, pages of ${limit}`);
    }
  }
  assert.equal(walk(store, { search: '%' }, 10, 1)[0]?.lease, '2001:db8:4::50_%');
});

const leaseArb: fc.Arbitrary<LeaseRecord> = fc.record({
  iface: fc.constantFrom('lan0', 'lan1', 'x|y'),
  duid: fc.constantFrom('000100', '0003000102aa', 'abcdef01', '0002ab00cd'),
  iaid: fc.constantFrom(0, 1, 9, 10, 0xffffffff),
  kind: fc.constantFrom('na' as const, 'pd' as const),
  n: fc.integer({ min: 0, max: 40 }),
  state: fc.constantFrom('active' as const, 'released' as const, 'declined' as const, 'expired' as const),
  ll: fc.option(fc.integer({ min: 1, max: 0xfff }), { nil: undefined }),
}).map((r) => ({
  iface: r.iface, duid: r.duid, iaid: r.iaid, kind: r.kind,
  lease: r.kind === 'na' ? `2001:db8::${r.n.toString(16)}` : `2001:db8:${(r.n + 1).toString(16)}::/56`,
  preferredLifetime: 10, validLifetime: 20, expiresAt: NOW + r.n, state: r.state,
  ...(r.ll === undefined ? {} : { clientLinkLocal: `fe80::${r.ll.toString(16)}` }),
}));

const filterArb: fc.Arbitrary<LeaseFilter> = fc.record(
  {
    iface: fc.constantFrom('lan0', 'lan1', 'x|y', 'eth9'),
    duid: fc.constantFrom('000100', 'abcdef01', 'ffff00'),
    state: fc.constantFrom('active' as const, 'released' as const, 'declined' as const, 'expired' as const),
    search: fc.oneof(fc.constantFrom('db8', 'DB8::1', '::/56', 'fe80', 'ab', '00:01', 'cd-', '%', '_', '\\', '1%', ':'), fc.string({ maxLength: 4 })),
  },
  { requiredKeys: [] },
);

test('property: following next visits exactly the brute-force matches in key order, each page with the right total', (t) => {
  const store = openTemp(t);
  fc.assert(
    fc.property(fc.array(leaseArb, { maxLength: 40 }), filterArb, fc.integer({ min: 1, max: 7 }), (generated, f, limit) => {
      store.database.exec('DELETE FROM leases');
      const rows = storable(generated);
      for (const r of unwrap(store.leases.upsertBatch(rows))) unwrap(r);
      const want = rows.filter((l) => matches(l, f)).sort(keyOrder);
      assert.deepEqual(walk(store, f, limit, want.length), want);
    }),
    { numRuns: 150 },
  );
});

test('a remembered total follows a write to the store', (t) => {
  const store = openTemp(t);
  const q = leaseQueries(store.database);
  for (let i = 0; i < 5; i++) unwrap(store.leases.upsert(base({ iaid: i, lease: `2001:db8:2::${i + 1}` })));
  assert.equal(q.page({ limit: 2 }).total, 5);
  assert.equal(q.page({ limit: 2 }).total, 5);
  unwrap(store.leases.upsert(base({ iaid: 9, lease: '2001:db8:2::99' })));
  assert.equal(q.page({ limit: 2 }).total, 6);
  unwrap(store.leases.upsert(base({ iaid: 9, lease: '2001:db8:2::99', state: 'released' })));
  assert.equal(q.page({ limit: 2, state: 'active' }).total, 5);
  // A second connection (the offline CLI) writing is seen too.
  const other = new DatabaseSync(join(store.database.location() ?? '', ''));
  t.after(() => other.close());
  other.exec("DELETE FROM leases WHERE iaid = 0");
  assert.equal(q.page({ limit: 2, state: 'active' }).total, 4);
});

test('containsPattern escapes exactly the LIKE characters', () => {
  const cases: Array<[string, string]> = [
    ['db8', '%db8%'],
    ['50%', '%50\\%%'],
    ['a_b', '%a\\_b%'],
    ['c:\\d', '%c:\\\\d%'],
    ['', '%%'],
  ];
  for (const [text, want] of cases) assert.equal(containsPattern(text), want, text);
});

// --- query plans -------------------------------------------------------------------------------

function plan(db: DatabaseSync, q: BoundQuery): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(q.params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

const AFTER: LeaseKey = { iface: 'lan0', duid: '0003', iaid: 1, kind: 'na', lease: '2001:db8::1' };
const PROXIED = [unwrap(parsePrefix('2001:db8:ffff::/64')), unwrap(parsePrefix('2001:db8:5:6::/64'))];

test('the facts and page queries are index searches with no temporary B-tree', (t) => {
  const store = openTemp(t);
  for (let i = 0; i < 200; i++) {
    unwrap(store.leases.upsert(base({ iface: `lan${i % 3}`, duid: `0003${i.toString(16).padStart(4, '0')}`, lease: `2001:db8:2::${i.toString(16)}`, state: i % 5 === 0 ? 'released' : 'active' })));
  }
  const db = store.database;
  const cases: Array<[string, BoundQuery, RegExp]> = [
    ['delegations for the routes', delegationsQuery(NOW), /SEARCH leases USING COVERING INDEX leases_active_by_kind \(kind=\? AND expires_at>\?\)/],
    ['leased addresses in proxied prefixes', addressesQuery(PROXIED, NOW), /SEARCH leases USING COVERING INDEX leases_active_by_kind \(kind=\? AND expires_at>\?\)/],
    ['leased addresses under ::/0', addressesQuery([unwrap(parsePrefix('::/0'))], NOW), /USING COVERING INDEX leases_active_by_kind/],
    ['first page', pageQuery({ limit: 100 }), /^SCAN leases$/],
    ['a later page', pageQuery({ after: AFTER }), /SEARCH leases USING PRIMARY KEY \(\(iface,duid,iaid,kind,lease\)>/],
    ['a page of one interface', pageQuery({ iface: 'lan1', after: AFTER }), /SEARCH leases USING PRIMARY KEY \(iface=\?/],
    ['a later page of active leases', pageQuery({ state: 'active', after: AFTER }), /SEARCH leases USING INDEX leases_by_state \(state=\? AND \(iface,duid,iaid,kind,lease\)>/],
    ['active leases of one interface', pageQuery({ state: 'active', iface: 'lan1' }), /SEARCH leases USING INDEX leases_by_state \(state=\? AND iface=\?\)/],
    ['one client', pageQuery({ duid: '0003000a', after: AFTER }), /SEARCH leases USING INDEX leases_by_duid \(duid=\?/],
    ['a search', pageQuery({ search: 'db8', after: AFTER }), /SEARCH leases USING PRIMARY KEY/],
    ['the count of active leases', countQuery({ state: 'active' }), /SEARCH leases USING COVERING INDEX leases_by_state \(state=\?\)/],
    ['the count of an interface', countQuery({ iface: 'lan1' }), /SEARCH leases USING PRIMARY KEY \(iface=\?\)/],
  ];
  for (const [name, q, want] of cases) {
    const p = plan(db, q);
    assert.match(p, want, name);
    assert.doesNotMatch(p, /TEMP B-TREE/, name);
  }
  // What allLeases(store, 'active') pages through (LeaseStore.list) is the same shape.
  const listPlan = (db.prepare(
    "EXPLAIN QUERY PLAN SELECT * FROM leases WHERE state = :state AND (iface, duid, iaid, kind, lease) > (:aIface, :aDuid, :aIaid, :aKind, :aLease) ORDER BY iface, duid, iaid, kind, lease LIMIT :limit",
  ).all({ state: 'active', aIface: '', aDuid: '', aIaid: 0, aKind: '', aLease: '', limit: 1001 }) as { detail: string }[]).map((r) => r.detail).join(' | ');
  assert.doesNotMatch(listPlan, /TEMP B-TREE/);
});

// --- the reconcile facts -------------------------------------------------------------------------

test('canonicalTextPrefix: leading non-zero whole groups, cut at a zero group or at seven', () => {
  const cases: Array<[string, string]> = [
    ['2001:db8:ffff::/64', '2001:db8:ffff:'],
    ['2001:db8::/32', '2001:db8:'],
    ['2001:db8::/48', '2001:db8:'],
    ['2001:db8:0:5::/64', '2001:db8:'],
    ['2001:db8:1200::/40', '2001:db8:'],
    ['1:2:3:4:5:6:7:8/128', '1:2:3:4:5:6:7:'],
    ['::/0', ''],
    ['::ffff:0:0/96', ''],
    ['2000::/3', ''],
  ];
  for (const [text, want] of cases) assert.equal(canonicalTextPrefix(unwrap(parsePrefix(text))), want, text);
});

test('property: every address inside a prefix is written starting with its canonicalTextPrefix', () => {
  const groupArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
  const valueArb = fc.array(groupArb, { minLength: 8, maxLength: 8 }).map((gs) => gs.reduce((v, g) => (v << 16n) | BigInt(g), 0n));
  fc.assert(
    fc.property(valueArb, valueArb, fc.integer({ min: 0, max: 128 }), (net, host, length) => {
      const mask = length === 0 ? 0n : ((1n << BigInt(length)) - 1n) << BigInt(128 - length);
      const p: Prefix = { network: net & mask, length };
      const inside = p.network | (host & ~mask & ((1n << 128n) - 1n));
      assert.ok(inside <= lastAddress(p));
      const text = canonicalTextPrefix(p);
      assert.ok(formatAddress(inside).startsWith(text), `${formatAddress(inside)} in ${formatAddress(p.network)}/${length} vs ${text}`);
    }),
    { numRuns: 2000 },
  );
});

test('storeFacts: the same routes and proxy entries as reading every lease, from only the rows it needs', (t) => {
  const store = openTemp(t);
  const config = parse(ROUTER);
  const leases = [
    base({ kind: 'pd', lease: '2001:db8:100::/56', clientLinkLocal: 'fe80::1' }),
    base({ kind: 'pd', iaid: 2, lease: '2001:db8:200::/56', clientLinkLocal: 'fe80::2', expiresAt: NOW - 1 }),
    base({ kind: 'pd', iaid: 3, lease: '2001:db8:300::/56', clientLinkLocal: 'fe80::3', state: 'released' }),
    base({ kind: 'pd', iaid: 4, lease: '2001:db8:400::/56' }),
    base({ iface: 'br0', lease: '2001:db8:ffff::200' }),
    base({ iface: 'br0', iaid: 5, lease: '2001:db8:ffff::201', expiresAt: NOW }),
    base({ iface: 'br0', iaid: 6, lease: '2001:db8:ffff::202', state: 'declined' }),
    base({ iface: 'br0', iaid: 7, lease: '2001:db8:fffe::203' }),
    base({ iface: 'br0', iaid: 8, lease: '2001:db8:ffff:0:1::204' }),
  ];
  for (const r of unwrap(store.leases.upsertBatch(leases))) unwrap(r);
  const facts = storeFacts(store, () => NOW, config);
  const every = allLeases(store);
  assert.deepEqual(facts.leaseRoutes, leaseRoutesOf(every, NOW));
  assert.deepEqual(facts.leaseRoutes, [{ prefix: '2001:db8:100::/56', via: 'fe80::1', dev: 'lan0' }]);
  assert.deepEqual([...(facts.leasedAddresses ?? [])].sort(), ['2001:db8:ffff:0:1::204', '2001:db8:ffff::200']);
  const fresh = desiredState(config, [], facts.leaseRoutes, facts.leasedAddresses);
  const brute = desiredState(config, [], leaseRoutesOf(every, NOW), leasedAddressesOf(every, NOW));
  assert.deepEqual(fresh.proxyNeighbors, brute.proxyNeighbors);
  assert.deepEqual(fresh.routes, brute.routes);
  // Without kernel rules no address is read; without a config argument the running one is used.
  assert.deepEqual(storeFacts(store, () => NOW, parse({ ...ROUTER, ndproxy: { rules: [] } })).leasedAddresses, []);
  assert.deepEqual(storeFacts(store, () => NOW).leasedAddresses, []);
});

// --- migration 2 ------------------------------------------------------------------------------

function indexNames(db: DatabaseSync): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leases' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

test('migrations from version 1 add the lease indexes once, keeping its leases', (t) => {
  const tmp = tempDir();
  t.after(tmp.remove);
  const v1 = unwrap(openDatabase({ path: tmp.path }));
  assert.equal(unwrap(applyMigrations(v1, MIGRATIONS.slice(0, 1))), 1);
  v1.prepare("INSERT INTO leases VALUES ('lan0', '000100', 1, 'na', '2001:db8::1', 1, 2, 3, 'active', NULL)").run();
  assert.ok(!indexNames(v1).includes('leases_by_state'));
  v1.close();
  for (let opening = 0; opening < 2; opening++) {
    // A second run of CREATE INDEX would fail: reopening proves the step ran once.
    const store = unwrap(openStore<Config>({ path: tmp.path, validate: validateConfig }));
    assert.equal(schemaVersion(store.database), MIGRATIONS.length);
    assert.deepEqual(indexNames(store.database), ['leases_active_binding', 'leases_active_by_kind', 'leases_by_duid', 'leases_by_expiry', 'leases_by_state']);
    assert.equal(allLeases(store).length, 1);
    store.close();
  }
});
