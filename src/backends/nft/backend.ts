// nftables, only ever table inet v6edge. The skeleton (sets' types, chains, rules, counters) goes
// through nft's JSON API; set elements, which grow with the fleet, go over nfnetlink
// (./netlink.ts), because nft 1.0.6 loads every element of the table into its cache for any
// element change or listing: 2.5–6 s per invocation at 100,000 elements (measured before this path).
//
// Apply:
// - element-only batches (every host change) are one nf_tables transaction on our own socket:
//   all or nothing, a refusal named with its set, element, errno and the kernel's sentence.
// - a skeleton change (first load, or a rule changed) is `nft -c` then `nft -j -f` of the table
//   with EMPTY sets, then every element over netlink right after. Between the two the sets are
//   empty, and the table fails closed: the forward chain's policy is drop, the anti-spoofing rules
//   drop every source from an inside interface (its source set is empty), and management SSH
//   matches no source. Nothing is let through that should not be; traffic that should pass is
//   dropped for the few hundred milliseconds the element load takes (established flows keep
//   their conntrack entries, so only new flows wait). That is the price of not handing nft the
//   elements (it took 6–7 s for the 120,000 of the earlier set layout); a rebuild happens only
//   when the rules themselves change.
//   Deviation from DESIGN.md ("checked with nft -c first"): element transactions have no dry run;
//   like an nft batch they change nothing when refused, so a dry run adds no atomicity.
//
// Observe: sets from `nft -t -j list sets table inet v6edge` and chains from `nft -j list chains
// inet` (neither loads elements: ~10 ms at 100,000), rule comments (which carry the rule hash the
// planner compares) and counter names over netlink, and each set's elements by one GETSETELEM dump.
// `nft -t -j list table` is no help: 1.0.6 still fetches every element and only omits them from
// the output (2.1–2.7 s at 100,000, the same as without -t).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { problem } from '../../lib/result.ts';
import { TABLE_FAMILY, TABLE_NAME } from '../../reconcile/filters.ts';
import type { Change, ChangeOf, ObservedFilter, ObservedState, SetSpec, Subsystem } from '../../reconcile/types.ts';
import type { SetShape } from '../../proto/netlink/nft-elements.ts';
import { execute, inNetns } from '../exec.ts';
import type { ApplyReport, CounterValue, SubsystemBackend, Unsubscribe } from '../types.ts';
import { watchNftables } from './events.ts';
import { parseChains, parseSets, replaceTableCommands } from './json.ts';
import { NftNetlink, type KeyChange } from './netlink.ts';

export interface NftBackendOptions {
  readonly netns?: string;
}

type ElementChange = Extract<ChangeOf<'nft'>, { op: 'add-elements' | 'delete-elements' }>;

export class NftBackend implements SubsystemBackend {
  readonly subsystems: readonly Subsystem[] = ['nft'];
  readonly #netns: string | undefined;
  readonly #netlink: NftNetlink;
  /** Set shapes from the last read or write, to type element changes. */
  #shapes = new Map<string, SetShape>();

  constructor(options: NftBackendOptions = {}) {
    this.#netns = options.netns;
    this.#netlink = new NftNetlink(TABLE_NAME, options.netns);
  }

  #nft(args: readonly string[], input = '') {
    return execute(inNetns(this.#netns, ['nft', ...args]), input);
  }

  async #json(args: readonly string[]): Promise<unknown> {
    const r = await this.#nft(args);
    if (r.code !== 0) throw new Error(`nft ${args.join(' ')} failed: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout);
  }

  /** Table inet v6edge as it is now; undefined when it does not exist (or holds nothing). */
  async observeFilter(): Promise<ObservedFilter | undefined> {
    const [setsJson, chainsJson] = await Promise.all([
      this.#nft(['-t', '-j', 'list', 'sets', 'table', TABLE_FAMILY, TABLE_NAME]),
      this.#json(['-j', 'list', 'chains', TABLE_FAMILY]),
    ]);
    if (setsJson.code !== 0) {
      if (/No such file or directory/.test(setsJson.stderr)) return undefined;
      throw new Error(`nft list sets table ${TABLE_FAMILY} ${TABLE_NAME} failed: ${setsJson.stderr.trim()}`);
    }
    const shapes = parseSets(JSON.parse(setsJson.stdout));
    const chains = parseChains(chainsJson, await this.#netlink.readRuleComments());
    if (shapes.length === 0 && chains.length === 0) return undefined;
    const sets: SetSpec[] = [];
    for (const s of shapes) sets.push({ ...s, elements: await this.#netlink.readElements(s) });
    for (const s of sets) this.#shapes.set(s.name, s);
    return { sets, chains, counters: [...(await this.#netlink.readCounters()).keys()] };
  }

  async observe(): Promise<Partial<ObservedState>> {
    return { nft: await this.observeFilter() };
  }

  async apply(_subsystem: Subsystem, changes: readonly Change[]): Promise<ApplyReport> {
    const nftChanges = changes.filter((c): c is ChangeOf<'nft'> => c.subsystem === 'nft');
    if (nftChanges.length === 0) return { applied: 0, failures: [] };
    const rebuild = nftChanges.find((c) => c.op === 'replace-table');
    if (rebuild === undefined) return this.#applyElements(nftChanges as ElementChange[], nftChanges);
    // A rebuild replaces the whole table, so any element change beside it is part of its content.
    for (const s of rebuild.filter.sets) this.#shapes.set(s.name, s);
    const refused = await this.#loadSkeleton(rebuild);
    if (refused !== undefined) return { applied: 0, failures: nftChanges.map((change) => ({ change, problem: refused })) };
    const loads = rebuild.filter.sets
      .filter((s) => s.elements.length > 0)
      .map((s): ElementChange => ({ subsystem: 'nft', op: 'add-elements', set: s.name, elements: s.elements }));
    return this.#applyElements(loads, nftChanges);
  }

  /** `nft -c` then `nft -j -f` of the skeleton with empty sets; the refusal, if any. */
  async #loadSkeleton(rebuild: Extract<ChangeOf<'nft'>, { op: 'replace-table' }>) {
    // nft opens its input file by name, and /dev/stdin of a Node child is a socket it cannot
    // open: the batch goes through a private temporary file instead.
    const dir = mkdtempSync(join(tmpdir(), 'v6edge-nft-'));
    const file = join(dir, 'batch.json');
    writeFileSync(file, JSON.stringify({ nftables: replaceTableCommands(rebuild.filter, false) }), { mode: 0o600 });
    try {
      for (const args of [['-c', '-j', '-f', file], ['-j', '-f', file]]) {
        const r = await this.#nft(args);
        if (r.code !== 0) {
          const stage = args[0] === '-c' ? 'nft -c refused the batch' : 'nft refused the batch';
          return problem('nft-refused', `table inet v6edge: ${stage}, so nothing changed: ${r.stderr.trim().split('\n')[0] ?? ''}`);
        }
      }
      return undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Element changes over netlink; a failure is reported against every change of `report` not in place. */
  async #applyElements(elements: readonly ElementChange[], report: readonly ChangeOf<'nft'>[]): Promise<ApplyReport> {
    const keyChanges: KeyChange[] = [];
    for (const c of elements) {
      const set = this.#shapes.get(c.set);
      if (set === undefined) {
        const p = problem('nft-unknown-set', `table inet v6edge has no set ${c.set} (as last read), so nothing changed; the next pass reads the table again`);
        return { applied: 0, failures: report.map((change) => ({ change, problem: p })) };
      }
      keyChanges.push({ op: c.op === 'add-elements' ? 'add' : 'delete', set, keys: c.elements });
    }
    const r = await this.#netlink.apply(keyChanges);
    if (r.failure === undefined) return { applied: report.length, failures: [] };
    // Element-only batches map one to one; a rebuild's element load is all one change.
    const done = report === elements ? r.applied : 0;
    return { applied: done, failures: report.slice(done).map((change) => ({ change, problem: r.failure! })) };
  }

  /** Every named counter of the table: one per rule, named after the rule. */
  async readCounters(): Promise<Map<string, CounterValue>> {
    try {
      return await this.#netlink.readCounters();
    } catch {
      return new Map();
    }
  }

  /** Ruleset events: someone else changed nf_tables (our own transactions are recognised and ignored). */
  watch(onChange: (why: string) => void): Unsubscribe {
    return watchNftables(this.#netns, onChange);
  }

  /** Closes the netlink socket (it reopens on next use). */
  close(): void {
    this.#netlink.close();
  }
}
