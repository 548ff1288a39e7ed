// DHCPv6 (RFC 8415): whatever parses must serialize to the very bytes it came from and parse
// back to the same value. Seeds: one message of every type, relay chains, and the packets real
// clients and Kea sent in the lab (test/fixtures/dhcpv6/captured).
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parseDhcp6, serializeDhcp6 } from '../../../src/proto/dhcpv6/index.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { ALL_SAMPLES } from '../../proto/dhcpv6/samples.ts';
import type { FuzzTarget } from '../target.ts';

function roundTrip(bytes: Uint8Array): 'rejected' | 'stable' {
  const first = parseDhcp6(bytes);
  if (!first.ok) return 'rejected';
  const again = serializeDhcp6(first.value);
  if (!again.ok) throw new Error(`parsed but did not serialize: ${again.error.code}: ${again.error.message}`);
  if (Buffer.compare(Buffer.from(again.value), Buffer.from(bytes)) !== 0) {
    throw new Error(`re-serialized bytes differ: ${Buffer.from(again.value).toString('hex')}`);
  }
  const second = parseDhcp6(again.value);
  if (!second.ok) throw new Error(`re-serialized bytes did not parse: ${second.error.code}`);
  if (!isDeepStrictEqual(first.value, second.value)) throw new Error('second parse differs from the first');
  return 'stable';
}

const captured = new URL('../../fixtures/dhcpv6/captured/', import.meta.url);
const capturedSeeds = readdirSync(captured)
  .filter((f) => f.endsWith('.hex'))
  .sort()
  .map((f) => Uint8Array.from(Buffer.from(readFileSync(new URL(f, captured), 'utf8').trim(), 'hex')));

export const target: FuzzTarget = {
  name: 'dhcpv6',
  roundTrip,
  seeds: [...ALL_SAMPLES.map((m) => unwrap(serializeDhcp6(m))), ...capturedSeeds],
};
