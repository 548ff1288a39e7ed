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

/**
 * Commands that replace the whole table in one transaction (add-then-delete works whether it
 * exists or not); `withElements` false leaves every set empty (NftBackend loads them over netlink).
 */
export function replaceTableCommands(f: FilterSpec, withElements = true): unknown[] {
  const table = { family: TABLE_FAMILY, name: TABLE_NAME };
  return [
    { add: { table } },
    { delete: { table } },
    { add: { table } },
    ...f.sets.map((s) => ({ add: { set: setJson(s, withElements) } })),
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

interface ListedSet { name: string; table: string; type: string | string[]; flags?: string[] }
interface ListedChain { name: string; table: string; hook?: string; prio?: number; policy?: string }

const listed = (json: unknown): Array<Record<string, unknown>> => (json as { nftables?: Array<Record<string, unknown>> }).nftables ?? [];

/** Our table's sets from `nft -t -j list sets table inet v6edge` (terse: no elements). */
export function parseSets(json: unknown): SetSpec[] {
  return listed(json).flatMap((item) => {
    const s = item.set as ListedSet | undefined;
    if (s === undefined || s.table !== TABLE_NAME) return [];
    const type = Array.isArray(s.type) ? s.type : [s.type];
    return [{ name: s.name, type, interval: (s.flags ?? []).includes('interval'), elements: [] }];
  });
}

/** Our table's chains from `nft -j list chains inet` (every table's chains, no rules), with their rule comments. */
export function parseChains(json: unknown, comments: ReadonlyMap<string, readonly string[]>): ObservedFilter['chains'] {
  return listed(json).flatMap((item) => {
    const c = item.chain as ListedChain | undefined;
    if (c === undefined || c.table !== TABLE_NAME) return [];
    return [{ name: c.name, hook: c.hook as ChainSpec['hook'], priority: c.prio ?? 0, policy: (c.policy ?? 'accept') as ChainSpec['policy'], rules: [...(comments.get(c.name) ?? [])] }];
  });
}
