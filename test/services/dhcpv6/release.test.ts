// Dhcpv6Server.release: an operator ends a lease by its address or prefix (any text form). The
// row is marked released on disk, a lease event withdraws a delegated prefix's route, and the
// client's next Renew gets NoBinding (RFC 8415 §18.3.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../src/config/schema.ts';
import { validateConfig } from '../../../src/config/validate.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { STATUS, type Dhcp6Option } from '../../../src/proto/dhcpv6/index.ts';
import { openStore } from '../../../src/store/store.ts';
import { cid, iaNaOpt, iaPdOpt, iaStatus, leasesOf, msg, replyIas } from './fixture.ts';
import { startServer, twoLinks } from './live-fixture.ts';

test('release of a delegated prefix: durable, announced, route withdrawn, NoBinding on Renew', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v6t-dhcplive-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'state.db');
  const s = await startServer(t, twoLinks(), path);
  const serverId: Dhcp6Option = { kind: 'server-id', duid: s.server.serverDuid! };
  const bound = await s.send(msg('request', [cid(1), serverId, iaNaOpt(1), iaPdOpt(2)]));
  const [addr, prefix] = leasesOf(bound?.message);
  assert.equal(s.server.desiredRoutes().length, 1);

  // Not the canonical text: upper case, a longer form.
  const released = unwrap(await s.server.release(prefix!.toUpperCase().replace('::', ':0::')));
  assert.deepEqual(released.map((l) => [l.lease, l.state]), [[prefix, 'released']]);
  assert.deepEqual(s.events.slice(-1).map((e) => [e.action, e.lease.lease, e.lease.state]), [['release', prefix, 'released']]);
  assert.deepEqual(s.server.desiredRoutes(), []);
  assert.deepEqual(s.server.status().leases.lan0, { na: 1, pd: 0 });

  const renewed = await s.send(msg('renew', [cid(1), serverId, iaNaOpt(1, addr!), iaPdOpt(2, prefix!)]));
  const [na, pd] = replyIas(renewed?.message);
  assert.equal(iaStatus(na!), undefined, 'the address is still bound');
  assert.equal(iaStatus(pd!), STATUS.NoBinding);

  const again = await s.server.release(prefix!);
  assert.deepEqual(again.ok ? undefined : again.error.code, 'not-found');
  const junk = await s.server.release('not-a-lease');
  assert.deepEqual(junk.ok ? undefined : junk.error.code, 'bad-lease');

  s.close();
  const reopened = unwrap(openStore<Config>({ path, validate: validateConfig }));
  t.after(() => reopened.close());
  const rows = reopened.leases.list({}).leases;
  assert.deepEqual(rows.map((r) => [r.lease, r.state]).sort(), [[addr, 'active'], [prefix, 'released']].sort(), 'the release is on disk');
});

test('release of an address frees it for another client at once', async (t) => {
  const s = await startServer(t, twoLinks({ addressPools: [{ start: '2001:db8:1::100', end: '2001:db8:1::100' }] }));
  const serverId: Dhcp6Option = { kind: 'server-id', duid: s.server.serverDuid! };
  await s.send(msg('request', [cid(1), serverId, iaNaOpt(1)]));
  const full = await s.send(msg('solicit', [cid(2), iaNaOpt(1)]));
  assert.equal(iaStatus(replyIas(full?.message)[0]!), STATUS.NoAddrsAvail);
  unwrap(await s.server.release('2001:db8:1:0:0:0:0:100'));
  const adv = await s.send(msg('solicit', [cid(2), iaNaOpt(1)]));
  assert.deepEqual(leasesOf(adv?.message), ['2001:db8:1::100']);
});

test('release reaches a lease on a link that is no longer served', async (t) => {
  const s = await startServer(t, twoLinks());
  const serverId: Dhcp6Option = { kind: 'server-id', duid: s.server.serverDuid! };
  const bound = await s.send(msg('request', [cid(3), serverId, iaPdOpt(1)]), 'lan1');
  const [prefix] = leasesOf(bound?.message);
  unwrap(await s.server.reconfigure(twoLinks({}, { mode: 'off' })));
  assert.deepEqual(s.server.desiredRoutes().map((r) => r.prefix), [prefix], 'leases outlive the link being turned off');
  unwrap(await s.server.release(prefix!));
  assert.deepEqual(s.server.desiredRoutes(), []);
  assert.equal(s.store.leases.list({ state: 'active' }).leases.length, 0);
});
