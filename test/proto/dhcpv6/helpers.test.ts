// DUID constructors and hex forms, option getters, relay unwrapping, names of codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientId,
  duidFromHex,
  duidLl,
  duidLlt,
  duidToHex,
  duidUuid,
  findOption,
  findRawOption,
  iaAddresses,
  iaNa,
  iaPd,
  iaPrefixes,
  macBytes,
  messageTypeName,
  optionKind,
  oro,
  rapidCommit,
  serverId,
  statusCode,
  statusName,
  unwrapRelays,
  INFINITY,
} from '../../../src/proto/dhcpv6/index.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { CLIENT_DUID, CLIENT_SERVER_SAMPLES as S, RELAY_FORWARD, SERVER_DUID } from './samples.ts';

const MAC = macBytes('02:00:5e:10:20:30')!;

test('DUID constructors build the RFC 8415 §11 forms', () => {
  assert.equal(unwrap(duidToHex(duidLl(MAC))), '0003000102005e102030');
  // §11.2: seconds since 2000-01-01 UTC; one day later is 86400.
  assert.equal(unwrap(duidToHex(duidLlt(MAC, new Date(Date.UTC(2000, 0, 2))))), '000100010001518002005e102030');
  assert.equal(unwrap(duidToHex(duidUuid('0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0')!)), '00040f1e2d3c4b5a69788796a5b4c3d2e1f0');
  assert.equal(duidUuid('not-a-uuid'), undefined);
  assert.equal(macBytes('02:00:5e:10:20'), undefined);
});

test('duidFromHex reads plain and colon-separated hex, and refuses bad input with a code', () => {
  assert.deepEqual(unwrap(duidFromHex('00:03:00:01:02:00:5e:10:20:30')), duidLl(MAC));
  assert.deepEqual(unwrap(duidFromHex('0003000102005e102030')), duidLl(MAC));
  const cases: [string, string][] = [['xyz', 'bad-hex'], ['000', 'bad-hex'], ['0003', 'duid-too-short'], [`0002${'00'.repeat(129)}`, 'duid-too-long']];
  for (const [text, code] of cases) {
    const r = duidFromHex(text);
    assert.equal(r.ok ? 'ok' : r.error.code, code, text);
  }
});

test('getters read the options servers look at', () => {
  assert.deepEqual(clientId(S.request), CLIENT_DUID);
  assert.deepEqual(serverId(S.request), SERVER_DUID);
  assert.equal(serverId(S.solicit), undefined);
  assert.deepEqual(oro(S.solicit), [23, 24, 82, 32]);
  assert.deepEqual(oro(S.confirm), []);
  assert.equal(rapidCommit(S.solicit), true);
  assert.equal(rapidCommit(S.request), false);
  const na = iaNa(S.advertise);
  assert.equal(na.length, 1);
  assert.deepEqual(iaAddresses(na[0]!).map((a) => a.address), ['2001:db8:1::100']);
  const pd = iaPd(S.advertise);
  assert.deepEqual(iaPrefixes(pd[0]!).map((p) => [p.prefix, p.prefixLength, p.validLifetime === INFINITY]), [['2001:db8:ff00::', 56, true]]);
  assert.equal(statusCode(iaPd(S.reply)[0]!)?.status, 6);
  assert.equal(findOption(S.reply, 'server-unicast')?.address, '2001:db8::1');
  assert.equal(findRawOption({ options: [{ kind: 'raw', code: 39, data: Uint8Array.of(1) }] }, 39)?.data[0], 1);
});

test('unwrapRelays finds the client message and the relays it came through', () => {
  const u = unwrapRelays(RELAY_FORWARD);
  assert.equal(u?.message.type, 'solicit');
  assert.deepEqual(u?.relays.map((r) => ('hopCount' in r ? r.hopCount : -1)), [1, 0]);
  assert.deepEqual(unwrapRelays(S.solicit), { message: S.solicit, relays: [] });
  assert.equal(unwrapRelays({ type: 'relay-forward', hopCount: 0, linkAddress: '::', peerAddress: '::', options: [] }), undefined);
});

test('code names', () => {
  assert.equal(messageTypeName(11), 'information-request');
  assert.equal(messageTypeName(14), undefined);
  assert.equal(optionKind(26), 'iaprefix');
  assert.equal(optionKind(39), undefined);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(statusName), ['Success', 'UnspecFail', 'NoAddrsAvail', 'NoBinding', 'NotOnLink', 'UseMulticast', 'NoPrefixAvail', undefined]);
});
