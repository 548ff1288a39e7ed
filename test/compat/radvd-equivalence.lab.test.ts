// The radvdump equivalence corpus: for each radvd.conf fixture radvd 2.19 accepts, radvd and our
// RaRunner (fed the same file through radvdToConfig) each advertise on `lan0` of a router
// namespace, radvdump in a host namespace prints one RA from each, and the two prints must be
// equal. Cases run in parallel labs.
//
// Normalisations, each because the value must differ or is not ours to match:
// - `# based on Router Advertisement from <link-local>` and every other comment: radvdump's parse
//   drops comments, so the sender's address (EUI-64 from each run's random MAC) is not compared.
// - DecrementLifetimes prefixes: both senders count lifetimes down in real time (RFC 4861
//   §6.2.1), so a value up to DECREMENT_SLACK_S below the configured one counts as the configured.
// - Where radvd breaks an RFC we follow, radvd's value is replaced by ours on its side: a prefix
//   with the R flag (case 17, RFC 6275 §7.2) and default DNS lifetimes (case 24, RFC 8106 §5.1).
// Each case also pins the codes radvdToConfig reports as unmapped. Unmapped items are invisible
// here: radvdump 2.19 prints no 6CO/ABRO, and radvd without wan0 sends no Base6Interface prefix.
// - Our runner runs with removeAdvOnExit off: it changes only the final RAs, which are not
//   captured, and saves the 2 × MIN_DELAY_BETWEEN_RAS they take on stop.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { labSkipReason, radvdump, startRadvd, withLab, type Lab, type LabSpec, type RadvdumpBlock } from '../lab/index.ts';
import { importRadvdText } from '../../src/config/radvd/map.ts';
import { ipFacts } from '../../src/services/ra/facts.ts';
import { RaRunner } from '../../src/services/ra/runner.ts';

const skip = labSkipReason();
const FIXTURES = new URL('../fixtures/radvd/', import.meta.url);
const DECREMENT_SLACK_S = 10;

interface Case {
  readonly file: string;
  /** Extra router addresses on lan0 (for `::/64`, AdvRouterAddr, AdvRASrcAddress). */
  readonly router?: readonly string[];
  /** The host's MAC, so its EUI-64 link-local is a `clients` entry. */
  readonly hostMac?: string;
  /** Unmapped codes radvdToConfig must report, in order. */
  readonly unmapped?: readonly string[];
  /** Prefix sections radvd names one way and we another: radvd's text → ours (see the case). */
  readonly renamed?: Readonly<Record<string, string>>;
  /** Section settings (by `kind firstArg`) where we deliberately send another value (see the case). */
  readonly oursDiffer?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const CASES: readonly Case[] = [
  { file: '01-slaac-basic.conf' },
  { file: '02-managed-other.conf' },
  { file: '03-multiple-prefixes.conf' },
  { file: '04-infinity-lifetimes.conf' },
  { file: '05-routes-preferences.conf' },
  { file: '06-rdnss-dnssl.conf' },
  { file: '07-mtu-timers.conf', unmapped: ['unsupported'] },
  { file: '08-home-agent.conf', router: ['2001:db8:80::1/64'], unmapped: ['interval-raised'] },
  { file: '09-clients.conf', hostMac: '00:1f:16:06:3a:ab' },
  { file: '10-unicast-only.conf' },
  { file: '11-solicited-multicast.conf', unmapped: ['unsupported'] },
  { file: '12-deprecate-decrement.conf' },
  { file: '13-ra-source-address.conf', router: ['fe80::1/64'] },
  { file: '14-auto-prefix.conf', router: ['2001:db8:14::1/64', '2001:db8:15::1/64'] },
  { file: '15-base-interfaces.conf', unmapped: ['unsupported', 'unsupported'] },
  { file: '16-rdnss-legacy.conf', unmapped: ['no-effect', 'no-effect'] },
  // AdvRouterAddr on a prefix written without host bits: radvd sends the bare prefix with R set,
  // claiming 2001:db8:100:f101:: as its address; RFC 6275 §7.2 says the field then holds "a
  // complete IP address assigned to the sending router", so we send the interface's address in
  // the prefix. (radvdump 2.19 prints neither the 6CO nor the ABRO radvd sends.)
  {
    file: '17-lowpan-abro.conf',
    router: ['2001:db8:100:f101::1/64'],
    unmapped: ['unsupported', 'unsupported'],
    renamed: { '2001:db8:100:f101::/64': '2001:db8:100:f101::1/64' },
  },
  { file: '18-withdrawn-prefix.conf' },
  // radvd 2.19 defaults the RDNSS and DNSSL lifetimes to MaxRtrAdvInterval (RFC 6106's floor);
  // RFC 8106 §5.1 and §5.2 say they SHOULD by default be at least 3 × MaxRtrAdvInterval, so a
  // host misses two RAs before it loses its DNS servers. We keep the RFC 8106 default.
  {
    file: '24-dns-default-lifetimes.conf',
    oursDiffer: { 'RDNSS 2001:db8:240::53': { AdvRDNSSLifetime: '300' }, 'DNSSL corp.example': { AdvDNSSLLifetime: '300' } },
  },
];

function spec(c: Case): LabSpec {
  return {
    nodes: { router: { forwarding: true }, host: { acceptRa: 0 } },
    links: [{ a: ['router', 'lan0'], b: ['host', 'eth0'], ...(c.hostMac === undefined ? {} : { macB: c.hostMac }) }],
    addresses: { router: { lan0: ['2001:db8:ffff::1/64', ...(c.router ?? [])] } },
  };
}

async function linkLocalReady(lab: Lab, node: string, ifname: string): Promise<void> {
  await lab.waitFor(async () => (await lab.addresses(node, ifname)).find((a) => a.scope === 'link' && !a.tentative), {
    timeoutMs: 5000,
    what: `a link-local address on ${node}/${ifname}`,
  });
}

interface Comparable {
  readonly settings: Readonly<Record<string, string>>;
  readonly sections: ReadonlyArray<{ readonly kind: string; readonly args: readonly string[]; readonly settings: Readonly<Record<string, string>> }>;
}

/** The compared part of a radvdump block, with decrementing lifetimes snapped back (see top). */
function comparable(block: RadvdumpBlock, decrementing: ReadonlyMap<string, Readonly<Record<string, number>>>): Comparable {
  return {
    settings: block.settings,
    sections: block.sections.map((s) => {
      const configured = s.kind === 'prefix' ? decrementing.get(s.args[0] ?? '') : undefined;
      if (configured === undefined) return { kind: s.kind, args: s.args, settings: s.settings };
      const settings = { ...s.settings };
      for (const [key, full] of Object.entries(configured)) {
        const seen = Number(settings[key]);
        if (seen <= full && seen >= full - DECREMENT_SLACK_S) settings[key] = String(full);
      }
      return { kind: s.kind, args: s.args, settings };
    }),
  };
}

describe('radvdump sees the same RA from radvd and from v6edge', { concurrency: 6 }, () => {
  for (const c of CASES) {
    test(c.file, { skip }, async () => {
      const text = readFileSync(new URL(c.file, FIXTURES), 'utf8');
      const imported = importRadvdText(text);
      assert.ok(imported.ok, imported.ok ? '' : JSON.stringify(imported.error));
      assert.deepEqual(imported.value.unmapped.map((p) => p.code), c.unmapped ?? [], JSON.stringify(imported.value.unmapped));
      const ra = imported.value.config.interfaces['lan0']?.ra;
      assert.ok(ra !== undefined);
      const decrementing = new Map(
        ra.prefixes
          .filter((p) => p.decrementLifetimes)
          .map((p) => [p.prefix, { AdvValidLifetime: Number(p.validLifetime), AdvPreferredLifetime: Number(p.preferredLifetime) }] as const),
      );

      await withLab(spec(c), async (lab) => {
        await linkLocalReady(lab, 'router', 'lan0');
        await linkLocalReady(lab, 'host', 'eth0');
        const radvd = await startRadvd(lab, 'router', text);
        const [fromRadvd] = await radvdump(lab, 'host', 'eth0', { solicit: true, timeoutMs: 10_000 });
        await radvd.stop();

        const runner = await RaRunner.start({
          ifname: 'lan0',
          netns: lab.ns('router'),
          config: { ...ra, removeAdvOnExit: false },
          facts: ipFacts('lan0', lab.ns('router')),
        });
        let fromUs: RadvdumpBlock | undefined;
        try {
          [fromUs] = await radvdump(lab, 'host', 'eth0', { solicit: true, timeoutMs: 10_000 });
        } finally {
          await runner.stop();
        }
        assert.ok(fromRadvd !== undefined && fromUs !== undefined);
        const expected = comparable(fromRadvd, decrementing);
        const renamed = c.renamed ?? {};
        const ours = {
          settings: expected.settings,
          sections: expected.sections.map((s) => {
            const args = s.kind === 'prefix' && renamed[s.args[0] ?? ''] !== undefined ? [renamed[s.args[0] ?? '']!] : s.args;
            return { kind: s.kind, args, settings: { ...s.settings, ...c.oursDiffer?.[`${s.kind} ${s.args[0] ?? ''}`] } };
          }),
        };
        assert.deepEqual(comparable(fromUs, decrementing), ours, `radvd:\n${fromRadvd.text}\nv6edge:\n${fromUs.text}`);
      });
    });
  }
});
