// `v6edge demo` (what `npm start` runs): the embedded demo configuration, shown end to end
// without touching this machine — validated, its prefixes allocated, the kernel changes a pass
// would make (planned against the in-memory fake kernel), and the RAs each LAN would carry.
import { demoConfig } from '../config/defaults.ts';
import type { Config } from '../config/schema.ts';
import { FakeKernel } from '../backends/fake/kernel.ts';
import { combineBackends } from '../backends/types.ts';
import { allocateForConfig } from '../reconcile/allocations.ts';
import { leaseRoutesOf } from '../reconcile/desired.ts';
import { planOnce } from '../reconcile/plan-once.ts';
import { buildRouterAdvertisement } from '../services/ra/advertisement.ts';
import { describe } from '../lib/result.ts';
import { EXIT_OK, EXIT_REFUSED, type CliIo } from './io.ts';

/** The demo's interfaces as plain links the fake kernel already has (as the NICs of a router). */
function fakeKernelFor(config: Config): FakeKernel {
  return new FakeKernel(
    Object.keys(config.interfaces).map((name) => ({ name, kind: 'ethernet' as const, mtu: 1500, up: true })),
  );
}

function describeRa(name: string, config: Config): string[] {
  const ra = config.interfaces[name]?.ra;
  if (ra === undefined || !ra.enabled) return [];
  // A locally administered MAC stands in for the NIC the lab would give the interface.
  const built = buildRouterAdvertisement(ra, { mac: '02:00:5e:00:00:01', globalPrefixes: [], withdrawn: [], now: Date.now() });
  const m = built.message;
  const flags = [m.managed ? 'M' : '', m.other ? 'O' : ''].join('') || 'none';
  const lines = [`  ${name}: router lifetime ${m.routerLifetime} s, flags ${flags}, hop limit ${m.curHopLimit}`];
  for (const o of m.options) {
    if (o.type === 'prefix-information') {
      lines.push(`    prefix ${o.prefix}/${o.prefixLength} ${o.autonomous ? 'SLAAC' : 'no-SLAAC'} valid ${o.validLifetime} s preferred ${o.preferredLifetime} s`);
    } else if (o.type === 'rdnss') {
      lines.push(`    RDNSS ${o.servers.join(', ')} (${o.lifetime} s)`);
    } else if (o.type === 'dnssl') {
      lines.push(`    DNSSL ${o.domains.join(', ')} (${o.lifetime} s)`);
    } else if (o.type === 'mtu') {
      lines.push(`    MTU ${o.mtu}`);
    } else if (o.type === 'route-information') {
      lines.push(`    route ${o.prefix}/${o.prefixLength} preference ${o.preference} (${o.routeLifetime} s)`);
    }
  }
  for (const p of built.problems) lines.push(`    ! ${describe(p)}`);
  return lines;
}

export async function runDemo(_argv: readonly string[], io: CliIo): Promise<number> {
  const config = demoConfig();
  const ipam = allocateForConfig([], config, Date.now());
  if (!ipam.ok) {
    io.err(`v6edge demo: ${describe(ipam.error)}`);
    return EXIT_REFUSED;
  }
  const out: string[] = [
    'v6edge demo — dry run of the embedded demo configuration (nothing on this machine is changed).',
    `Interfaces: ${Object.entries(config.interfaces).map(([n, i]) => `${n} (${i.role})`).join(', ')}`,
    '',
    'Prefixes allocated by IPAM:',
    ...ipam.value.state.map((a) => `  ${a.pool.padEnd(12)} ${a.owner.padEnd(16)} ${a.prefix}`),
    ...ipam.value.problems.map((p) => `  ! ${describe(p)}`),
    '',
    'Kernel changes the apply loop would make (planned against an in-memory kernel):',
  ];
  const plan = await planOnce(config, combineBackends([fakeKernelFor(config)]), {
    allocations: ipam.value.state,
    leaseRoutes: leaseRoutesOf([], Date.now()),
  });
  out.push(...plan.trimEnd().split('\n').map((l) => `  ${l}`), '', 'Router Advertisements:');
  for (const name of Object.keys(config.interfaces)) out.push(...describeRa(name, config));
  io.out(out.join('\n'));
  return EXIT_OK;
}
