// Table inet v6edge in libnftables JSON (libnftables-json(5)), both ways: our FilterSpec and
// element changes into one batch, and `nft -j list table` back into an ObservedFilter. Element
// keys use the canonical text of types.ts (`br0 . 2001:db8::/48`, `2001:db8::/80 . tcp . 80-90`).
import { canonicalPrefix } from '../../reconcile/canonical.ts';
import { TABLE_FAMILY, TABLE_NAME } from '../../reconcile/filters.ts';
import type { ChainSpec, ChangeOf, FilterSpec, ObservedFilter, SetSpec } from '../../reconcile/types.ts';

const T = { family: TABLE_FAMILY, table: TABLE_NAME };

function elementPart(type: string, text: string): unknown {
  if (type === 'ipv6_addr') {
    const [addr, len] = canonicalPrefix(text).split('/');
    return { prefix: { addr, len: Number(len) } };
  }
  if (type === 'inet_service') {
    const m = /^(\d+)-(\d+)$/.exec(text);
    return m === null ? Number(text) : { range: [Number(m[1]), Number(m[2])] };
  }
  return text;
}

/** One element key as nft JSON, typed by the set's type list. */
export function elementJson(set: Pick<SetSpec, 'type'>, key: string): unknown {
  const parts = key.split(' . ');
  const json = parts.map((p, i) => elementPart(set.type[i] ?? 'ifname', p));
  return json.length === 1 ? json[0] : { concat: json };
}

function partText(type: string, v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return type === 'ipv6_addr' ? canonicalPrefix(v) : v;
  const o = v as { prefix?: { addr: string; len: number }; range?: [unknown, unknown]; elem?: { val: unknown } };
  if (o.prefix !== undefined) return canonicalPrefix(`${o.prefix.addr}/${o.prefix.len}`);
  if (o.elem !== undefined) return partText(type, o.elem.val);
  if (o.range !== undefined) {
    const [lo, hi] = o.range;
    return type === 'inet_service' ? (lo === hi ? String(lo) : `${String(lo)}-${String(hi)}`) : `${String(lo)}-${String(hi)}`;
  }
  return JSON.stringify(v);
}

/** An element as nft prints it, back to our key text. */
export function elementKey(type: readonly string[], v: unknown): string {
  const concat = typeof v === 'object' && v !== null ? (v as { concat?: unknown }).concat : undefined;
  const parts = Array.isArray(concat) ? concat : [v];
  return parts.map((p, i) => partText(type[i] ?? 'ifname', p)).join(' . ');
}

const setJson = (s: SetSpec, withElements: boolean) => ({
  ...T,
  name: s.name,
  type: s.type.length === 1 ? s.type[0] : s.type,
  ...(s.interval ? { flags: ['interval'] } : {}),
  ...(withElements && s.elements.length > 0 ? { elem: s.elements.map((e) => elementJson(s, e)) } : {}),
});

const chainJson = (c: ChainSpec) => ({ ...T, name: c.name, type: 'filter', hook: c.hook, prio: c.priority, policy: c.policy });

/** Commands that replace the whole table in one transaction (add-then-delete works whether it exists or not). */
export function replaceTableCommands(f: FilterSpec): unknown[] {
  const table = { family: TABLE_FAMILY, name: TABLE_NAME };
  return [
    { add: { table } },
    { delete: { table } },
    { add: { table } },
    ...f.sets.map((s) => ({ add: { set: setJson(s, true) } })),
    ...f.chains.flatMap((c) => c.rules.map((r) => ({ add: { counter: { ...T, name: r.name } } }))),
    ...f.chains.map((c) => ({ add: { chain: chainJson(c) } })),
    ...f.chains.flatMap((c) => c.rules.map((r) => ({ add: { rule: { ...T, chain: c.name, comment: r.comment, expr: [...r.expr.slice(0, -1), { counter: r.name }, ...r.expr.slice(-1)] } } }))),
  ];
}

/** One batch for a subsystem's changes; `sets` gives element types. */
export function batchJson(changes: readonly ChangeOf<'nft'>[], types: ReadonlyMap<string, readonly string[]>): { nftables: unknown[] } {
  const cmds: unknown[] = [];
  for (const c of changes) {
    if (c.op === 'replace-table') {
      cmds.push(...replaceTableCommands(c.filter));
    } else {
      const type = types.get(c.set) ?? [];
      const element = { ...T, name: c.set, elem: c.elements.map((e) => elementJson({ type }, e)) };
      cmds.push(c.op === 'add-elements' ? { add: { element } } : { delete: { element } });
    }
  }
  return { nftables: cmds };
}

interface ListedSet { name: string; type: string | string[]; flags?: string[]; elem?: unknown[] }
interface ListedChain { name: string; hook?: string; prio?: number; policy?: string }
interface ListedRule { chain: string; comment?: string }

/** `nft -j list table inet v6edge` as an ObservedFilter. */
export function parseTable(json: unknown): ObservedFilter {
  const items = (json as { nftables?: Array<Record<string, unknown>> }).nftables ?? [];
  const sets: SetSpec[] = [];
  const chains: Array<ListedChain & { rules: string[] }> = [];
  const counters: string[] = [];
  for (const item of items) {
    if ('set' in item) {
      const s = item.set as ListedSet;
      const type = Array.isArray(s.type) ? s.type : [s.type];
      sets.push({ name: s.name, type, interval: (s.flags ?? []).includes('interval'), elements: (s.elem ?? []).map((e) => elementKey(type, e)) });
    } else if ('chain' in item) {
      chains.push({ ...(item.chain as ListedChain), rules: [] });
    } else if ('rule' in item) {
      const r = item.rule as ListedRule;
      chains.find((c) => c.name === r.chain)?.rules.push(r.comment ?? '');
    } else if ('counter' in item) {
      counters.push((item.counter as { name: string }).name);
    }
  }
  return {
    sets,
    chains: chains.map((c) => ({ name: c.name, hook: c.hook as ChainSpec['hook'], priority: c.prio ?? 0, policy: (c.policy ?? 'accept') as ChainSpec['policy'], rules: c.rules })),
    counters,
  };
}
