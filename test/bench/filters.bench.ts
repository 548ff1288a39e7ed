// The filters at fleet scale: table inet v6edge for 10,000 container hosts × 10 networks, our
// set-based ruleset loaded through NftBackend (the skeleton by `nft -c` then `nft -j -f`, the
// elements in an nf_tables transaction over netlink; element batches over netlink alone) beside a generated
// one-rule-per-host ruleset loaded with raw `nft -f`, each in a fresh namespace; then adding one
// host (set elements only, against one more rule) and the `nft -c` check of each. Run as root:
// `npm run bench filters`. Writes test/bench/results/filters.md. BENCH_HOSTS=N: smaller, print only.
import { writeFileSync } from 'node:fs';
import { batchJson } from '../../src/backends/nft/json.ts';
import { NftBackend } from '../../src/backends/nft/backend.ts';
import { planFilter } from '../../src/reconcile/plan-nft.ts';
import type { FilterSpec } from '../../src/reconcile/types.ts';
import { labSkipReason, withLab, type Lab, type LabSpec } from '../lab/index.ts';
import { desiredFleet, fleetDocument, fmtMs, newSteps, HOSTS_IFACE } from './support/container-fleet.ts';
import { machine, versionOf } from './support/proc.ts';
import { distribution, ratio, table } from './support/stats.ts';

const FULL_HOSTS = 10_000;
const HOSTS = Number(process.env.BENCH_HOSTS ?? FULL_HOSTS);
const NETWORKS = 10;
const REPEATS = 3;
const ADDS = 3;
const ANCHOR_TABLE = 'perhost';

const skip = labSkipReason();
if (skip !== undefined) {
  console.error(`filters bench: ${skip}`);
  process.exit(1);
}

/** Two empty namespaces: one for each ruleset, so neither loads next to the other. */
const SPEC: LabSpec = { nodes: { sets: {}, rules: {} } };

/** The anti-spoofing rule of a host, as the one-rule-per-host ruleset spells it. */
const hostRule = (prefix: string): string => `iifname "${HOSTS_IFACE}" ip6 saddr ${prefix} return`;

/**
 * The one-rule-per-host ruleset: the same forward policy skeleton, with the anti-spoofing check
 * (our source set of the hosts interface) as one explicit `return` rule per host in a chain of its own.
 */
function perHostRuleset(sourceKeys: readonly string[]): string {
  return `table inet ${ANCHOR_TABLE} {
  chain spoof {
${sourceKeys.map((k) => `    ${hostRule(k)}`).join('\n')}
    counter drop
  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    ct state invalid drop
    iifname "${HOSTS_IFACE}" jump spoof
    icmpv6 type { 1, 2, 3, 4, 128, 129, 144, 145, 146, 147 } accept
    iifname "${HOSTS_IFACE}" oifname "wan0" accept
    counter drop
  }
}
`;
}

const setOf = (f: FilterSpec, name: string) => {
  const s = f.sets.find((x) => x.name === name);
  if (s === undefined) throw new Error(`bench: the generator has no set ${name}`);
  return s;
};

/** The source set the anti-spoofing rule of the hosts interface checks. */
function hostsSources(f: FilterSpec): string {
  const spoofed = f.chains.flatMap((c) => c.rules).find((r) => r.name === 'fwd_spoofed' && JSON.stringify(r.expr[0]).includes(`"${HOSTS_IFACE}"`));
  const name = /"@([a-z_0-9]+)"/.exec(JSON.stringify(spoofed?.expr[1]))?.[1];
  if (name === undefined) throw new Error(`bench: no anti-spoofing rule for ${HOSTS_IFACE}`);
  return name;
}

/** Our ruleset holding only what the anchor holds: the per-host source prefixes. */
const sameContent = (f: FilterSpec): FilterSpec => ({
  ...f,
  sets: f.sets.map((s) => (s.name === 'host_prefixes' || s.name === 'published' ? { ...s, elements: [] } : s)),
});

/** Empties both namespaces before deletion, so the kernel's background cleanup does not overlap the next repeat. */
async function flushAll(lab: Lab): Promise<void> {
  for (const node of Object.keys(SPEC.nodes)) await lab.exec(node, ['nft', 'flush', 'ruleset']);
}

async function nftTimed(lab: Lab, node: string, args: readonly string[]): Promise<number> {
  const t = performance.now();
  await lab.exec(node, ['nft', ...args], { timeoutMs: 300_000 });
  return performance.now() - t;
}

interface OursRun {
  readonly check: number;
  readonly load: number;
  readonly observe: number;
  readonly elements: number;
  readonly adds: Array<{ observe: number; plan: number; apply: number; check: number }>;
}

async function oursRun(lab: Lab, filters: readonly FilterSpec[]): Promise<OursRun> {
  const netns = lab.ns('sets');
  const nft = new NftBackend({ netns });
  const [first, ...more] = filters;
  const replace = { subsystem: 'nft' as const, op: 'replace-table' as const, filter: first! };
  const file = lab.file('ours.json', JSON.stringify(batchJson([replace], new Map())));
  const check = await nftTimed(lab, 'sets', ['-c', '-j', '-f', file]);
  let t = performance.now();
  const loaded = await nft.apply('nft', [replace]);
  const load = performance.now() - t;
  if (loaded.failures.length > 0) throw new Error(`bench: NftBackend refused the table: ${loaded.failures[0]!.problem.message}`);
  t = performance.now();
  const observed = await nft.observeFilter();
  const observe = performance.now() - t;
  if (planFilter(first!, observed).length !== 0) throw new Error('bench: the table read back differs from what was loaded');
  const adds: OursRun['adds'] = [];
  for (const next of more) {
    t = performance.now();
    const now = await nft.observeFilter();
    const observeMs = performance.now() - t;
    t = performance.now();
    const changes = planFilter(next, now);
    const planMs = performance.now() - t;
    if (changes.some((c) => c.op !== 'add-elements')) throw new Error(`bench: adding a host planned ${changes.map((c) => c.op).join(', ')}`);
    const addFile = lab.file('add.json', JSON.stringify(batchJson(changes, new Map(next.sets.map((s) => [s.name, s.type])))));
    const checkMs = await nftTimed(lab, 'sets', ['-c', '-j', '-f', addFile]);
    t = performance.now();
    const r = await nft.apply('nft', changes);
    const applyMs = performance.now() - t;
    if (r.failures.length > 0) throw new Error(`bench: the element add failed: ${r.failures[0]!.problem.message}`);
    adds.push({ observe: observeMs, plan: planMs, apply: applyMs, check: checkMs });
  }
  if (planFilter(filters.at(-1)!, await nft.observeFilter()).length !== 0) throw new Error('bench: the added elements are not all in place');
  return { check, load, observe, elements: first!.sets.reduce((n, s) => n + s.elements.length, 0), adds };
}

interface AnchorRun {
  readonly check: number;
  readonly load: number;
  readonly adds: Array<{ apply: number; check: number }>;
}

async function anchorRun(lab: Lab, sourceKeys: readonly string[], added: readonly string[]): Promise<AnchorRun> {
  const file = lab.file('perhost.nft', perHostRuleset(sourceKeys));
  const check = await nftTimed(lab, 'rules', ['-c', '-f', file]);
  const load = await nftTimed(lab, 'rules', ['-f', file]);
  const adds: AnchorRun['adds'] = [];
  for (const key of added) {
    // A new host's rule goes before the chain's final drop: `insert … position` needs a handle,
    // so the anchor adds it at the top, which nft accepts with the same cost.
    const argv = ['insert', 'rule', 'inet', ANCHOR_TABLE, 'spoof', ...hostRule(key).split(' ').map((w) => w.replaceAll('"', ''))];
    const checkMs = await nftTimed(lab, 'rules', ['-c', ...argv]);
    adds.push({ apply: await nftTimed(lab, 'rules', argv), check: checkMs });
  }
  const listed = await lab.exec('rules', ['nft', 'list', 'chain', 'inet', ANCHOR_TABLE, 'spoof']);
  const rules = listed.stdout.split('\n').filter((l) => l.includes('return')).length;
  if (rules !== sourceKeys.length + added.length) throw new Error(`bench: the anchor holds ${rules} host rules, not ${sourceKeys.length + added.length}`);
  return { check, load, adds };
}

async function main(): Promise<void> {
  // One desired state per fleet size: the base, then each with one more host.
  const filters: FilterSpec[] = [];
  let allocations: Awaited<ReturnType<typeof desiredFleet>>['allocations'] = [];
  for (let k = 0; k <= ADDS; k++) {
    const state = await desiredFleet(fleetDocument(HOSTS + k, NETWORKS), allocations, newSteps());
    allocations = state.allocations;
    filters.push(state.desired.nft);
  }
  const sources = filters.map((f) => setOf(f, hostsSources(f)).elements.filter((e) => !e.endsWith('/64')));
  const base = sources[0]!;
  const added = sources.slice(1).map((s, i) => {
    const before = new Set(sources[i]);
    return s.find((e) => !before.has(e))!;
  });
  const full: OursRun[] = [];
  const same: OursRun[] = [];
  const anchors: AnchorRun[] = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    await withLab(SPEC, async (lab) => {
      if (rep % 2 === 0) {
        anchors.push(await anchorRun(lab, base, added));
        full.push(await oursRun(lab, filters));
      } else {
        full.push(await oursRun(lab, filters));
        anchors.push(await anchorRun(lab, base, added));
      }
      await flushAll(lab);
    });
    // The same-content table in a namespace of its own.
    await withLab(SPEC, async (lab) => {
      same.push(await oursRun(lab, filters.map(sameContent)));
      await flushAll(lab);
    });
    console.log(`repeat ${rep + 1}: anchor load ${fmtMs(anchors.at(-1)!.load)}, ours ${fmtMs(full.at(-1)!.load)} (same content ${fmtMs(same.at(-1)!.load)})`);
  }
  const section = render(anchors, full, same, base.length);
  console.log(section);
  if (HOSTS === FULL_HOSTS) writeFileSync(new URL('results/filters.md', import.meta.url), section);
}

const p50 = (xs: readonly number[]): number => distribution(xs).p50;
const list = (xs: readonly number[]): string => xs.map(fmtMs).join(', ');

function render(anchors: readonly AnchorRun[], full: readonly OursRun[], same: readonly OursRun[], hostRules: number): string {
  const aLoad = p50(anchors.map((a) => a.load));
  const aCheck = p50(anchors.map((a) => a.check));
  const aAdds = anchors.flatMap((a) => a.adds);
  const row = (name: string, runs: readonly OursRun[]): string[][] => {
    const adds = runs.flatMap((r) => r.adds);
    return [
      [`${name}: load (NftBackend: skeleton by \`nft -c\` + \`nft -j -f\`, elements over netlink)`, fmtMs(p50(runs.map((r) => r.load))), ratio(p50(runs.map((r) => r.load)), aLoad), list(runs.map((r) => r.load))],
      [`${name}: \`nft -c\` of the whole table`, fmtMs(p50(runs.map((r) => r.check))), ratio(p50(runs.map((r) => r.check)), aCheck), list(runs.map((r) => r.check))],
      [`${name}: read back (skeleton by \`nft -t list sets\`/\`list chains\`, elements, rule comments and counters by netlink dumps)`, fmtMs(p50(runs.map((r) => r.observe))), '', list(runs.map((r) => r.observe))],
      [`${name}: add one host — observe`, fmtMs(p50(adds.map((a) => a.observe))), '', list(adds.map((a) => a.observe))],
      [`${name}: add one host — plan`, fmtMs(p50(adds.map((a) => a.plan))), '', list(adds.map((a) => a.plan))],
      [`${name}: add one host — apply elements (one nf_tables transaction over netlink)`, fmtMs(p50(adds.map((a) => a.apply))), ratio(p50(adds.map((a) => a.apply)), p50(aAdds.map((a) => a.apply))), list(adds.map((a) => a.apply))],
      [`${name}: add one host — \`nft -c\` of the same elements as a JSON batch (for comparison; not on our path)`, fmtMs(p50(adds.map((a) => a.check))), ratio(p50(adds.map((a) => a.check)), p50(aAdds.map((a) => a.check))), list(adds.map((a) => a.check))],
    ];
  };
  return `## Filters at fleet scale (filters)

Command: \`npm run bench filters\` (as root; \`node test/bench/filters.bench.ts\` alone). Machine: ${machine()}; ${versionOf(['nft', '--version'])}.
Fleet: ${HOSTS.toLocaleString('en')} container hosts × ${NETWORKS} networks, one published port each, as test/bench/reconcile uses. ${REPEATS} repeats, each in
fresh namespaces (anchor and ours alternating first); p50 below, every sample listed; ratios are ours ÷ anchor.

- **Ours, full**: table inet v6edge from \`filterSpec\` — a fixed handful of rules (one anti-spoofing rule per inside
  interface) over interval sets: ${full[0]?.elements.toLocaleString('en') ?? '?'} elements (${hostRules.toLocaleString('en')} host sources in the hosts interface's set, ${HOSTS.toLocaleString('en')} host prefixes, ${HOSTS.toLocaleString('en')} \`prefix . proto . port\`).
- **Ours, same content**: the same table with only what the anchor expresses (the per-host source prefixes): ${same[0]?.elements.toLocaleString('en') ?? '?'} elements.
- **Anchor**: one rule per host — \`iifname "hosts0" ip6 saddr PREFIX return\` × ${hostRules.toLocaleString('en')} in a \`spoof\` chain, native syntax, raw \`nft -f\`.
  It expresses only the anti-spoofing check; container networks and published ports would be another ${(HOSTS * (NETWORKS + 1)).toLocaleString('en')} rules.
- **Add one host**: ours plans element additions from a read-back (\`planFilter\`) and applies them through NftBackend
  (one nf_tables transaction over netlink, 3 elements into 3 sets); the anchor runs one \`nft insert rule\`.

${table(['', 'p50', 'ratio', 'samples'], [
  ['anchor: load (`nft -f`)', fmtMs(aLoad), '1.00×', list(anchors.map((a) => a.load))],
  ['anchor: `nft -c` of the whole ruleset', fmtMs(aCheck), '1.00×', list(anchors.map((a) => a.check))],
  ['anchor: add one host (`nft insert rule`)', fmtMs(p50(aAdds.map((a) => a.apply))), '1.00×', list(aAdds.map((a) => a.apply))],
  ['anchor: add one host — `nft -c`', fmtMs(p50(aAdds.map((a) => a.check))), '1.00×', list(aAdds.map((a) => a.check))],
  ...row('ours, full', full),
  ...row('ours, same content', same),
])}

### What limits it
${LIMITS}
`;
}

// Written from the figures of full runs on this machine; the table above is the run's own.
const LIMITS = `- **Content, first.** The set-based table carries 3× what the anchor does (sources, host prefixes and published
  ports; the anchor has only the 10,000 per-host source checks).
- **Set elements go over netlink** (src/backends/nft/netlink.ts): nft 1.0.6 loads every element of the table into
  its cache for any command (measured at 120,000 elements: 2.4–4.3 s per one-host add, JSON or native syntax), so
  element batches are nf_tables transactions sent directly, all-or-nothing like an \`nft -f\` batch; the skeleton
  (sets' types, chains, rules) still goes through \`nft -c\` and \`nft -j -f\`, with empty sets.
- **Concatenated interval sets are the kernel's slow path.** \`ifname . prefix\` and \`prefix . proto . port\` sets are
  pipapo sets, whose inserts rebuild lookup tables: 10,000 elements took 1.55 s against 0.12 s for a plain interval
  set. The sources are now one plain set per inside interface; the published ports stay concatenated (a port
  range and a destination prefix need both fields).
- **Read-back**: \`nft -t\` still fetches every element in 1.0.6, so the skeleton is read with \`nft -t list sets\` and
  \`list chains\` (10–20 ms) and the elements, rule comments and counters by netlink dumps.
- **A shared, loaded machine** (2 cores shared with other engineers' runs): wall times vary up to 2× between samples;
  the ratios come from the same repeat's fresh namespaces.`;

await main();
