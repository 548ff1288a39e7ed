// NftBackend's nfnetlink path against the real kernel, read back by the real nft: element
// transactions into every set of table inet v6edge, refusals that change nothing, the observe
// path, 100,000 intervals, and change notifications.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NftBackend } from '../../src/backends/nft/backend.ts';
import { GenerationSorter } from '../../src/backends/nft/events.ts';
import { NetlinkWriter, parseMessages } from '../../src/proto/netlink/message.ts';
import { NFT_MSG_DELSETELEM, NFT_MSG_NEWGEN, NFT_MSG_NEWSETELEM, nftType } from '../../src/proto/netlink/nftables.ts';
import { elementKey } from '../../src/backends/nft/json.ts';
import { desiredState } from '../../src/reconcile/desired.ts';
import { planFilter } from '../../src/reconcile/plan-nft.ts';
import type { ChangeOf, FilterSpec } from '../../src/reconcile/types.ts';
import { labSkipReason, waitFor, withLab, type Lab } from '../lab/index.ts';
import { fleet } from '../reconcile/fixtures.ts';

const skip = labSkipReason();
const ROUTER = { nodes: { router: {} }, links: [] };

/** A set's elements as the real nft lists them, in our key text. */
async function nftListSet(lab: Lab, set: FilterSpec['sets'][number]): Promise<string[]> {
  const { stdout } = await lab.exec('router', ['nft', '-j', 'list', 'set', 'inet', 'v6edge', set.name], { timeoutMs: 60_000 });
  const item = (JSON.parse(stdout) as { nftables: Array<{ set?: { elem?: unknown[] } }> }).nftables.find((i) => i.set !== undefined);
  return (item?.set?.elem ?? []).map((e) => elementKey(set.type, e)).sort();
}

const add = (set: string, elements: readonly string[]): ChangeOf<'nft'> => ({ subsystem: 'nft', op: 'add-elements', set, elements });
const del = (set: string, elements: readonly string[]): ChangeOf<'nft'> => ({ subsystem: 'nft', op: 'delete-elements', set, elements });

async function built(lab: Lab): Promise<{ nft: NftBackend; spec: FilterSpec }> {
  const nft = new NftBackend({ netns: lab.ns('router') });
  const small = fleet(3);
  const spec = desiredState(small.config, small.allocations, []).nft;
  assert.deepEqual((await nft.apply('nft', planFilter(spec, await nft.observeFilter()))).failures, []);
  return { nft, spec };
}

// One extra element per set, of each set's type.
const EXTRAS: Readonly<Record<string, readonly string[]>> = {
  wan_ifaces: ['wan9'],
  inside_ifaces: ['lan9'],
  mgmt_ifaces: ['mgmt9'],
  mgmt_sources: ['2001:db8:98::/48', '2001:db8:97::5/128'],
  host_prefixes: ['2001:db8:9000:1::/80', '2001:db8:9000:2::/80', '2001:db8:9000:3::/79'],
  published: ['2001:db8:9000:1::/80 . tcp . 80-90', '2001:db8:9000:2::7/128 . udp . 53'],
};
/** The per-interface source sets (inside_sources_N) get prefixes of their own. */
function extra(set: string): readonly string[] {
  const n = /^inside_sources_(\d+)$/.exec(set)?.[1];
  return EXTRAS[set] ?? (n === undefined ? [] : [`2001:db8:91${n}0::/48`, `2001:db8:92${n}0::/56`]);
}

test('in a namespace: the table built with empty sets and loaded over netlink reads back through nft as desired; adds and deletes in every set', { skip, timeout: 60_000 }, async () => {
  await withLab(ROUTER, async (lab) => {
    const { nft, spec } = await built(lab);
    try {
      for (const s of spec.sets) assert.deepEqual(await nftListSet(lab, s), [...s.elements].sort(), `${s.name} as nft lists it after the load`);
      assert.deepEqual(planFilter(spec, await nft.observeFilter()), [], 'observe equals the desired table');
      const adds = spec.sets.map((s) => add(s.name, extra(s.name)));
      assert.deepEqual(await nft.apply('nft', adds), { applied: adds.length, failures: [] });
      for (const s of spec.sets) assert.deepEqual(await nftListSet(lab, s), [...s.elements, ...extra(s.name)].sort(), `${s.name} after the adds`);
      const observed = await nft.observeFilter();
      for (const s of spec.sets) assert.deepEqual([...observed!.sets.find((o) => o.name === s.name)!.elements].sort(), [...s.elements, ...extra(s.name)].sort());
      // Deleting exactly what was added leaves the table as desired again.
      assert.deepEqual((await nft.apply('nft', spec.sets.map((s) => del(s.name, extra(s.name))))).failures, []);
      for (const s of spec.sets) assert.deepEqual(await nftListSet(lab, s), [...s.elements].sort(), `${s.name} after the deletes`);
      assert.deepEqual(planFilter(spec, await nft.observeFilter()), []);
    } finally {
      nft.close();
    }
  });
});

test('in a namespace: an overlapping or duplicate element is refused with its set, element and errno, and the whole transaction changes nothing', { skip, timeout: 60_000 }, async () => {
  await withLab(ROUTER, async (lab) => {
    const { nft, spec } = await built(lab);
    try {
      const nets = spec.sets.find((s) => s.name === 'host_prefixes')!;
      const first = nets.elements[0]!;
      assert.match(first, /\/48$/);
      const before = await nft.observeFilter();
      for (const [what, bad] of [
        ['overlap', add('host_prefixes', [first.replace('/48', '/96')])],
        ['duplicate', add('host_prefixes', [first])],
        ['missing', del('host_prefixes', ['2001:db8:dead::/80'])],
      ] as const) {
        const good = add('published', ['2001:db8:7777::/80 . tcp . 443']);
        const r = await nft.apply('nft', [good, bad]);
        assert.equal(r.applied, 0, what);
        assert.deepEqual(r.failures.map((f) => f.change), [good, bad], what);
        const message = r.failures[0]!.problem.message;
        assert.match(message, /set host_prefixes: the kernel refused (adding|deleting) /, what);
        assert.match(message, what === 'missing' ? /ENOENT/ : /EEXIST/, what);
        assert.ok(message.includes((bad as { elements: readonly string[] }).elements[0]!), `${what}: the message names the element: ${message}`);
        assert.deepEqual(await nft.observeFilter(), before, `${what}: the good half of the refused transaction is not in place`);
      }
    } finally {
      nft.close();
    }
  });
});

test('in a namespace: 100,000 prefixes load in one batch and read back, through nft and through the dump', { skip, timeout: 120_000 }, async () => {
  await withLab(ROUTER, async (lab) => {
    const { nft, spec } = await built(lab);
    try {
      const keys: string[] = [];
      for (let i = 0; i < 100_000; i++) keys.push(`2001:db8:${(0x8000 + Math.floor(i / 10)).toString(16)}:${(i % 10) + 1}::/80`);
      assert.deepEqual((await nft.apply('nft', [add('host_prefixes', keys)])).failures, []);
      const all = [...spec.sets.find((s) => s.name === 'host_prefixes')!.elements, ...keys].sort();
      const observed = await nft.observeFilter();
      assert.deepEqual([...observed!.sets.find((s) => s.name === 'host_prefixes')!.elements].sort(), all);
      assert.deepEqual(await nftListSet(lab, spec.sets.find((s) => s.name === 'host_prefixes')!), all);
    } finally {
      nft.close();
    }
  });
});

test('in a namespace: our own element transactions are no events; another process\'s change and ours mixed are', { skip, timeout: 30_000 }, async () => {
  await withLab(ROUTER, async (lab) => {
    const { nft } = await built(lab);
    const events: string[] = [];
    const stop = nft.watch((why) => events.push(why));
    try {
      assert.deepEqual((await nft.apply('nft', [add('host_prefixes', ['2001:db8:5555::/80'])])).failures, []);
      assert.deepEqual((await nft.apply('nft', [del('host_prefixes', ['2001:db8:5555::/80'])])).failures, []);
      // A foreign change after ours: the first event heard must be it (ours came first and were silent).
      await lab.exec('router', ['nft', 'add', 'element', 'inet', 'v6edge', 'host_prefixes', '{ 2001:db8:6666::/80 }']);
      await waitFor(() => events.length > 0 || undefined, { timeoutMs: 5000, what: 'the foreign change to be heard' });
      assert.match(events[0]!, /generation by process \d+: set elements/);
      assert.doesNotMatch(events[0]!, new RegExp(`process ${process.pid}:`));
    } finally {
      stop();
      nft.close();
    }
  });
});

test('generations: ours (by pid) are silent, another process\'s are one event naming what changed', () => {
  const message = (type: number, pid?: number) => {
    const w = new NetlinkWriter(128).begin(nftType(type), 0, 1).bytes(Uint8Array.of(1, 0, 0, 0));
    if (pid !== undefined) w.be32(2, pid);
    return parseMessages(Buffer.from(w.end().view()))[0]!;
  };
  const heard: string[] = [];
  const sorter = new GenerationSorter(4242, (why) => heard.push(why));
  sorter.push([message(NFT_MSG_NEWSETELEM), message(NFT_MSG_NEWSETELEM)]);
  sorter.push([message(NFT_MSG_NEWGEN, 4242)]);
  assert.deepEqual(heard, []);
  sorter.push([message(NFT_MSG_DELSETELEM), message(NFT_MSG_NEWGEN, 77)]);
  assert.deepEqual(heard, ['nft event: generation by process 77: delete set element']);
  sorter.push([message(0), message(NFT_MSG_NEWGEN)]);
  assert.equal(heard.length, 2, 'a generation without a pid is not ours');
});
