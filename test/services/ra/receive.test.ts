import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeNdp, type NdpMessage, type ReceiveMeta } from '../../../src/proto/ndp/index.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { classifyReceived, countDrop, type DropCounts } from '../../../src/services/ra/receive.ts';

const RS: NdpMessage = { type: 'rs', options: [{ type: 'source-lla', address: '02:00:00:00:00:02' }] };
const RA: NdpMessage = {
  type: 'ra', curHopLimit: 64, managed: false, other: false, homeAgent: false, routerPreference: 'medium', proxy: false,
  routerLifetime: 1800, reachableTime: 0, retransTimer: 0, options: [],
};
const meta = (over: Partial<ReceiveMeta> = {}): ReceiveMeta => ({ hopLimit: 255, source: 'fe80::2', destination: 'ff02::2', ifindex: 2, ...over });
const bytes = (m: NdpMessage, at: ReceiveMeta): Uint8Array => unwrap(serializeNdp(m, { source: at.source, destination: at.destination }));
const OWN = new Set(['fe80::1']);

test('RSs and foreign RAs are accepted; everything else is dropped with its reason', () => {
  const cases: Array<[string, Uint8Array, ReceiveMeta, string]> = [
    ['rs', bytes(RS, meta()), meta(), 'rs'],
    ['rs without sllao', bytes({ type: 'rs', options: [] }, meta({ source: '::' })), meta({ source: '::' }), 'rs'],
    ['forwarded', bytes(RS, meta()), meta({ hopLimit: 64 }), 'hop-limit'],
    ['unspecified with sllao', bytes(RS, meta({ source: '::' })), meta({ source: '::' }), 'rs-unspecified-with-sllao'],
    ['bad checksum', bytes(RS, meta({ source: 'fe80::9' })), meta(), 'bad-checksum'],
    ['code 1', bytes({ ...RS, code: 1 }, meta()), meta(), 'bad-code'],
    ['foreign ra', bytes(RA, meta()), meta(), 'ra'],
    ['own ra', bytes(RA, meta({ source: 'fe80::1' })), meta({ source: 'fe80::1' }), 'own-advertisement'],
    ['ra from global', bytes(RA, meta({ source: '2001:db8::1' })), meta({ source: '2001:db8::1' }), 'ra-source-not-link-local'],
    ['ns', bytes({ type: 'ns', target: 'fe80::1', options: [] }, meta({ destination: 'fe80::1' })), meta({ destination: 'fe80::1' }), 'unexpected-type'],
  ];
  for (const [name, b, m, expected] of cases) {
    const r = classifyReceived(b, m, OWN);
    assert.equal(r.kind === 'drop' ? r.reason : r.kind, expected, name);
  }
  const rs = classifyReceived(bytes(RS, meta()), meta(), OWN);
  assert.deepEqual(rs, { kind: 'rs', source: 'fe80::2', hasSllao: true });
});

test('drops are counted per reason', () => {
  let c: DropCounts = {};
  c = countDrop(countDrop(countDrop(c, 'hop-limit'), 'hop-limit'), 'too-short');
  assert.deepEqual(c, { 'hop-limit': 2, 'too-short': 1 });
});
