// Messages real clients and Kea sent in the lab (test/fixtures/dhcpv6/captured/README.md): each
// parses, serializing the parsed value gives back the very same bytes, and each is the message its
// name says, answering the client message it was captured with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import {
  clientId, iaAddresses, iaNa, iaPd, iaPrefixes, isRelay, parseDhcp6, serializeDhcp6, serverId,
  type Dhcp6ClientServerMessage, type Dhcp6ClientServerType,
} from '../../../src/proto/dhcpv6/index.ts';
import { unwrap } from '../../../src/lib/result.ts';

const DIR = new URL('../../fixtures/dhcpv6/captured/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.hex')).sort();

interface Expected {
  readonly type: Dhcp6ClientServerType;
  /** Carries an IA_NA / an IA_PD / a Server Identifier. */
  readonly na: boolean;
  readonly pd: boolean;
  readonly server: boolean;
  /** The client message (file name) this server message answers: same transaction ID and client. */
  readonly answers?: string;
}

const client = (type: Dhcp6ClientServerType, ia: 'na' | 'pd' | 'none', server: boolean): Expected =>
  ({ type, na: ia === 'na', pd: ia === 'pd', server });
const kea = (type: Dhcp6ClientServerType, ia: 'na' | 'pd' | 'none', answers: string): Expected =>
  ({ type, na: ia === 'na', pd: ia === 'pd', server: true, answers });

/** What each capture must be. */
const EXPECTED: Readonly<Record<string, Expected>> = {
  'dhclient-solicit': client('solicit', 'na', false),
  'dhclient-request': client('request', 'na', true),
  'dhclient-renew': client('renew', 'na', true),
  'dhclient-release': client('release', 'na', true),
  'dhclient-pd-solicit': client('solicit', 'pd', false),
  'dhclient-information-request': client('information-request', 'none', false),
  'dhcpcd-solicit': client('solicit', 'na', false),
  'dhcpcd-request': client('request', 'na', true),
  'dhcpcd-renew': client('renew', 'na', true),
  'dhcp6c-solicit': client('solicit', 'pd', false),
  'dhcp6c-request': client('request', 'pd', true),
  'dhcp6c-release': client('release', 'pd', true),
  'perfdhcp-solicit': client('solicit', 'na', false),
  'kea-advertise': kea('advertise', 'na', 'dhclient-solicit'),
  'kea-reply': kea('reply', 'na', 'dhclient-request'),
  'kea-reply-renew': kea('reply', 'na', 'dhclient-renew'),
  'kea-advertise-pd': kea('advertise', 'pd', 'dhclient-pd-solicit'),
  'kea-reply-information': kea('reply', 'none', 'dhclient-information-request'),
};

// capture.sh gives Kea these timers so that clients renew within a capture.
const KEA_TIMERS = { t1: 2, t2: 3, preferredLifetime: 4, validLifetime: 6 };

function load(name: string): { bytes: Uint8Array; msg: Dhcp6ClientServerMessage } {
  const bytes = Uint8Array.from(Buffer.from(readFileSync(new URL(`${name}.hex`, DIR), 'utf8').trim(), 'hex'));
  const msg = unwrap(parseDhcp6(bytes));
  assert.ok(!isRelay(msg), `${name} is a client/server message`);
  return { bytes, msg };
}

test('the files, the README table and the expectations list the same captures', () => {
  const onDisk = files.map((f) => f.replace(/\.hex$/, '')).sort();
  const readme = readFileSync(new URL('README.md', DIR), 'utf8');
  const documented = [...readme.matchAll(/^\| ([a-z0-9-]+)\.hex \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(onDisk, Object.keys(EXPECTED).sort());
  assert.deepEqual(documented, onDisk);
});

for (const file of files) {
  const name = file.replace(/\.hex$/, '');
  test(`captured ${name}: parses, re-serializes byte for byte, and is the message its name says`, () => {
    const { bytes, msg } = load(name);
    const want = EXPECTED[name];
    assert.ok(want !== undefined, `${name} has an expectation`);
    assert.equal(msg.type, want.type);
    assert.ok(clientId(msg) !== undefined, 'every capture carries a Client Identifier');
    assert.equal(serverId(msg) !== undefined, want.server);
    assert.equal(iaNa(msg).length > 0, want.na);
    assert.equal(iaPd(msg).length > 0, want.pd);
    assert.ok(msg.options.every((o) => o.kind !== 'raw'), 'no option of these peers falls back to raw');
    assert.deepEqual(unwrap(serializeDhcp6(msg)), bytes);
  });
}

for (const [name, want] of Object.entries(EXPECTED)) {
  const asked = want.answers;
  if (asked === undefined) continue;
  test(`captured ${name} answers ${asked}: same transaction, same client, Kea's timers`, () => {
    const answer = load(name).msg;
    const question = load(asked).msg;
    assert.equal(answer.transactionId, question.transactionId);
    assert.deepEqual(clientId(answer), clientId(question));
    // Every IA the server gave carries T1/T2 and lifetimes from capture.sh's Kea config.
    for (const ia of [...iaNa(answer), ...iaPd(answer)]) {
      assert.deepEqual([ia.t1, ia.t2], [KEA_TIMERS.t1, KEA_TIMERS.t2]);
      for (const lease of [...iaAddresses(ia), ...iaPrefixes(ia)]) {
        assert.deepEqual([lease.preferredLifetime, lease.validLifetime], [KEA_TIMERS.preferredLifetime, KEA_TIMERS.validLifetime]);
      }
    }
  });
}

// A Renew (RFC 8415 §18.2.4) and a Release (§18.2.7) go to the server that granted the lease:
// they carry the Server Identifier of the Reply to the Request and are new transactions.
for (const [later, request, reply] of [
  ['dhclient-renew', 'dhclient-request', 'kea-reply'],
  ['dhclient-release', 'dhclient-request', 'kea-reply'],
  ['dhcpcd-renew', 'dhcpcd-request', undefined],
  ['dhcp6c-release', 'dhcp6c-request', undefined],
] as const) {
  test(`captured ${later}: same client and server as ${request}, a new transaction`, () => {
    const after = load(later).msg;
    const before = load(request).msg;
    assert.notEqual(after.transactionId, before.transactionId);
    assert.deepEqual(clientId(after), clientId(before));
    assert.deepEqual(serverId(after), serverId(before));
    if (reply !== undefined) assert.deepEqual(serverId(after), serverId(load(reply).msg));
  });
}
