// resolveHosts takes each IPAM record's prefix from IPAM's index instead of parsing its text,
// and lines a host's pool up with its networks by position; both shortcuts must be invisible:
// the same desired state as from copies of the records (which IPAM never indexed, so their
// text is parsed and looked up by owner), in any order, in any spelling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ConfigInput } from '../../src/config/schema.ts';
import { unwrap } from '../../src/lib/result.ts';
import type { AllocationRecord } from '../../src/store/records.ts';
import { allocateForConfig } from '../../src/reconcile/allocations.ts';
import { clearCanonicalMemos } from '../../src/reconcile/canonical.ts';
import { desiredState, type Desired } from '../../src/reconcile/desired.ts';
import { clearResolvedHosts } from '../../src/reconcile/hosts.ts';
import { parse, ROUTER } from './fixtures.ts';

const NETS = ['a', 'b', 'c10', 'c2', 'web'];

const fleetArb = fc.array(
  fc.record({ nets: fc.subarray(NETS), fixedNet: fc.option(fc.constantFrom(...NETS), { nil: undefined }), hop: fc.integer({ min: 2, max: 200 }) }),
  { maxLength: 6 },
);

function cold(config: ReturnType<typeof parse>, allocations: readonly AllocationRecord[]): Desired {
  clearResolvedHosts();
  clearCanonicalMemos();
  return desiredState(config, allocations, []);
}

/** The same records as new objects, in `order`, some texts spelled in upper case with zeros written out. */
function copies(records: readonly AllocationRecord[], reverse: boolean, spelled: boolean): AllocationRecord[] {
  const out = records.map((r, i) => ({ ...r, prefix: spelled && i % 2 === 0 ? r.prefix.toUpperCase().replace('::', ':0::') : r.prefix }));
  return reverse ? out.reverse() : out;
}

test('property: the desired state from IPAM’s own records equals that from parsed copies in any order', () => {
  fc.assert(
    fc.property(fleetArb, fc.boolean(), fc.boolean(), (specs, reverse, spelled) => {
      const hosts: Record<string, unknown> = {};
      specs.forEach((s, i) => {
        const networks = Object.fromEntries(s.nets.map((n, j) => [n, n === s.fixedNet ? { prefix: `2001:db9:${i}:${j}::/64` } : {}]));
        hosts[`h${i}`] = { interface: 'br0', nextHop: `2001:db8:3::${s.hop.toString(16)}`, networks, publishedPorts: s.nets.length > 0 ? [{ protocol: 'tcp', port: 80, network: s.nets[0] }] : [] };
      });
      const config = parse({ ...ROUTER, hosts: hosts as ConfigInput['hosts'], ipam: { hostPool: '2001:db8:4000::/34', hostPrefixLength: 48 } });
      const state = unwrap(allocateForConfig([], config, 1_000)).state;
      const own = cold(config, state);
      assert.deepEqual(own.problems, []);
      assert.deepEqual(cold(config, copies(state, reverse, spelled)), own);
    }),
    { numRuns: 150 },
  );
});
