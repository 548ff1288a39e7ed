import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelBackend } from '../../src/backends/kernel/backend.ts';
import { describeEvent, isEvent, isOwnEcho } from '../../src/backends/kernel/events.ts';
import { classifyFibMatch, NetlinkRoutes, refusalProblem, routeFromMessage } from '../../src/backends/kernel/routes-netlink.ts';
import type { LinkTable } from '../../src/backends/kernel/routes-netlink.ts';
import { NetlinkWriter, parseMessages } from '../../src/proto/netlink/message.ts';
import { RTM_DELROUTE, RTM_NEWROUTE } from '../../src/proto/netlink/route.ts';
import type { RouteMessage } from '../../src/proto/netlink/route.ts';
import type { ChangeOf, Route } from '../../src/reconcile/types.ts';
import { labSkipReason, withLab, waitFor } from '../lab/index.ts';
import type { Lab, LabSpec } from '../lab/index.ts';

const LINKS: LinkTable = { byName: new Map([['lo', 1], ['hosts0', 3]]), byIndex: new Map([[1, 'lo'], [3, 'hosts0']]) };
const msg = (m: Partial<RouteMessage>): RouteMessage => ({ dst: '2001:db8:4000::/48', dstLen: 48, oif: 3, protocol: 250, table: 254, type: 1, priority: 1024, ...m });

test('kernel routes become reconcile routes: protocol names, ::/0, and no route without a device', () => {
  const table: Array<[RouteMessage, Route | undefined]> = [
    [msg({ via: '2001:db8:3::10' }), { dst: '2001:db8:4000::/48', via: '2001:db8:3::10', dev: 'hosts0', protocol: 'v6edge' }],
    [msg({ dst: '::/0', dstLen: 0, via: 'fe80::1', protocol: 9 }), { dst: '::/0', via: 'fe80::1', dev: 'hosts0', protocol: 'ra' }],
    [msg({ protocol: 2 }), { dst: '2001:db8:4000::/48', dev: 'hosts0', protocol: 'kernel' }],
    [msg({ protocol: 186 }), { dst: '2001:db8:4000::/48', dev: 'hosts0', protocol: 'bgp' }],
    [msg({ protocol: 16 }), { dst: '2001:db8:4000::/48', dev: 'hosts0', protocol: 'dhcp' }],
    [msg({ protocol: 77 }), { dst: '2001:db8:4000::/48', dev: 'hosts0', protocol: '77' }],
    // IPv6 gives unreachable routes dev lo; they are kept, as `ip route` shows them.
    [msg({ oif: 1, type: 7, protocol: 3 }), { dst: '2001:db8:4000::/48', dev: 'lo', protocol: 'boot' }],
    // No output device (a nexthop-group route): not a route the plan could own.
    [msg({ oif: 0 }), undefined],
    // A device that went away between the link dump and the route dump.
    [msg({ oif: 9 }), undefined],
  ];
  for (const [m, expected] of table) assert.deepEqual(routeFromMessage(m, LINKS), expected, JSON.stringify(m));
});

test('a FIB match lookup settles a prefix only when it can', () => {
  const table: Array<[string, RouteMessage | string, string]> = [
    ['our route at P', msg({}), 'present'],
    ['a foreign route at P may hide ours at another metric', msg({ protocol: 4 }), 'inconclusive'],
    ['a less specific route of main (the default route)', msg({ dst: '::/0', dstLen: 0 }), 'absent'],
    ['a more specific route of ours (a /80 inside the /48)', msg({ dst: '2001:db8:4000::/80', dstLen: 80 }), 'inconclusive'],
    ['a route from another table (a policy rule)', msg({ table: 100 }), 'inconclusive'],
    ['the local table (a local address)', msg({ table: 255, dstLen: 128 }), 'inconclusive'],
    ['no route at all', 'ENETUNREACH', 'absent'],
    ['an unreachable route', 'EHOSTUNREACH', 'absent'],
    ['a blackhole route', 'EINVAL', 'inconclusive'],
    ['a prohibit route', 'EACCES', 'inconclusive'],
  ];
  for (const [what, answer, expected] of table) assert.equal(classifyFibMatch(48, answer), expected, what);
});

test('a refusal names the route, the errno and the kernel sentence (or errno text without one)', () => {
  const route: Route = { dst: '2001:db8::/48', via: 'fe80::1', dev: 'hosts0', protocol: 'v6edge' };
  assert.deepEqual(refusalProblem(route, { code: 'ENETUNREACH', errno: 101, message: 'Nexthop has invalid gateway' }), {
    code: 'kernel-refused',
    message: 'route 2001:db8::/48 via fe80::1 dev hosts0: ENETUNREACH (Nexthop has invalid gateway)',
  });
  assert.match(refusalProblem(route, { code: 'EHOSTUNREACH', errno: 113 }).message, /^route 2001:db8::\/48 via fe80::1 dev hosts0: EHOSTUNREACH \(.*unreachable.*\)$/i);
});

test('events: our own route adds and neighbour cache churn are not events; deletions, proxy entries and the rest are', () => {
  const w = new NetlinkWriter();
  const rtmsg = (protocol: number) => Uint8Array.of(10, 48, 0, 0, 254, protocol, 0, 1, 0, 0, 0, 0);
  // ndmsg: family 10, ifindex 3, state 0x02 (REACHABLE), flags (0x08 is NTF_PROXY).
  const ndmsg = (flags: number) => Uint8Array.of(10, 0, 0, 0, 3, 0, 0, 0, 2, 0, flags, 1);
  w.begin(RTM_NEWROUTE, 0, 0).bytes(rtmsg(250)).end();
  w.begin(RTM_DELROUTE, 0, 0).bytes(rtmsg(250)).end();
  w.begin(RTM_NEWROUTE, 0, 0).bytes(rtmsg(4)).end();
  w.begin(16, 0, 0).bytes(new Uint8Array(16)).string(3, 'hosts0').end();
  w.begin(28, 0, 0).bytes(ndmsg(0)).end();
  w.begin(28, 0, 0).bytes(ndmsg(0x08)).end();
  const messages = parseMessages(Buffer.from(w.view()));
  assert.deepEqual(messages.map((m) => isOwnEcho(m)), [true, false, false, false, false, false]);
  assert.deepEqual(messages.map((m) => isEvent(m)), [false, true, true, true, false, true]);
  assert.equal(describeEvent(messages[1]!), 'route ::/48 proto 250 deleted');
  assert.equal(describeEvent(messages[3]!), 'link hosts0 changed');
});

// The router's hosts0 faces a peer; 2001:db8:3::/64 is on the link, so its addresses are
// gateways the kernel accepts.
const SPEC: LabSpec = {
  nodes: { router: { forwarding: true }, peer: {} },
  links: [{ a: ['router', 'hosts0'], b: ['peer', 'up0'] }],
  addresses: { router: { hosts0: ['2001:db8:3::1/64'] }, peer: { up0: ['2001:db8:3::10/64'] } },
};

const GW = '2001:db8:3::10';
const ours = (dst: string, via?: string): Route => ({ dst, dev: 'hosts0', protocol: 'v6edge', ...(via === undefined ? {} : { via }) });
const add = (route: Route): ChangeOf<'routes'> => ({ subsystem: 'routes', op: 'add', route });
const del = (route: Route): ChangeOf<'routes'> => ({ subsystem: 'routes', op: 'delete', route });

/** What the real peer, `ip -json -6 route show proto v6edge`, says the kernel holds. */
async function installed(lab: Lab): Promise<string[]> {
  const json = (await lab.json('router', ['-6', 'route', 'show', 'proto', 'v6edge'])) as Array<{ dst: string; gateway?: string; dev?: string }>;
  return json.map((r) => `${r.dst === 'default' ? '::/0' : r.dst}${r.gateway === undefined ? '' : ` via ${r.gateway}`} dev ${r.dev}`).sort();
}

async function ip(lab: Lab, ...args: string[]): Promise<void> {
  await lab.exec('router', ['ip', ...args]);
}

test('in a namespace: adds, replaces and deletes go in; refusals name their route and reason; foreign routes stay', { skip: labSkipReason(), timeout: 30_000 }, async () => {
  await withLab(SPEC, async (lab) => {
    const routes = new NetlinkRoutes(lab.ns('router'));
    try {
      await ip(lab, '-6', 'route', 'add', '2001:db8:9000::/48', 'via', GW, 'dev', 'hosts0', 'proto', 'static');
      await ip(lab, '-6', 'route', 'add', '2001:db8:4002::/48', 'via', GW, 'dev', 'hosts0', 'proto', 'static', 'metric', '100');
      const first = await routes.apply([
        add(ours('2001:db8:4000::/48', GW)),
        add(ours('2001:db8:4000:1::/80', GW)),
        add(ours('2001:db8:4001::/48', 'fe80::1')),
        add(ours('2001:db8:4002::/48', GW)),
        add(ours('::/0', GW)),
        add(ours('2001:db8:5000::/48')),
        add({ ...ours('2001:db8:6000::/48', GW), dev: 'nope0' }),
        add(ours('2001:db8:7000::/48', '2001:db8:99::1')),
      ]);
      // This kernel gives no extended-ack sentence for an off-link gateway: errno's text stands in.
      const [noDevice, offLink, ...more] = first.failures.map((f) => f.problem.message);
      assert.equal(noDevice, 'route 2001:db8:6000::/48 via 2001:db8:3::10 dev nope0: Cannot find device "nope0"');
      assert.match(offLink ?? '', /^route 2001:db8:7000::\/48 via 2001:db8:99::1 dev hosts0: EHOSTUNREACH \(host is unreachable\)$/i);
      assert.deepEqual(more, []);
      assert.equal(first.applied, 6);
      assert.deepEqual(await installed(lab), [
        '2001:db8:4000:1::/80 via 2001:db8:3::10 dev hosts0',
        '2001:db8:4000::/48 via 2001:db8:3::10 dev hosts0',
        '2001:db8:4001::/48 via fe80::1 dev hosts0',
        '2001:db8:4002::/48 via 2001:db8:3::10 dev hosts0',
        '2001:db8:5000::/48 dev hosts0',
        '::/0 via 2001:db8:3::10 dev hosts0',
      ]);

      // Re-adding an existing route is refused (EEXIST) while a replace changes its next hop;
      // deleting removes only ours, also where a foreign route shares the destination.
      const second = await routes.apply([
        add(ours('2001:db8:5000::/48')),
        { subsystem: 'routes', op: 'replace', route: ours('2001:db8:4001::/48', GW), before: ours('2001:db8:4001::/48', 'fe80::1') },
        del(ours('2001:db8:4002::/48', GW)),
        del(ours('::/0', GW)),
        // Already gone: the kernel says ESRCH, and the change's goal holds.
        del(ours('2001:db8:7000::/48', GW)),
        // A deletion on a device that does not exist has nothing left to delete.
        del({ ...ours('2001:db8:6000::/48'), dev: 'nope0' }),
      ]);
      assert.deepEqual(second.failures.map((f) => f.problem.message.replace(/ \(.+\)$/, '')), ['route 2001:db8:5000::/48 dev hosts0: EEXIST']);
      assert.deepEqual(await installed(lab), [
        '2001:db8:4000:1::/80 via 2001:db8:3::10 dev hosts0',
        '2001:db8:4000::/48 via 2001:db8:3::10 dev hosts0',
        '2001:db8:4001::/48 via 2001:db8:3::10 dev hosts0',
        '2001:db8:5000::/48 dev hosts0',
      ]);
      const foreign = (await lab.json('router', ['-6', 'route', 'show', 'proto', 'static'])) as Array<{ dst: string; metric: number }>;
      assert.deepEqual(foreign.map((r) => `${r.dst} ${r.metric}`).sort(), ['2001:db8:4002::/48 100', '2001:db8:9000::/48 1024']);

      // The full observe agrees with what iproute2 reads from the same table.
      const seen = await routes.observe();
      const mine = seen.filter((r) => r.protocol === 'v6edge').map((r) => `${r.dst}${r.via === undefined ? '' : ` via ${r.via}`} dev ${r.dev}`).sort();
      assert.deepEqual(mine, await installed(lab));
      assert.ok(seen.some((r) => r.dst === '2001:db8:3::/64' && r.protocol === 'kernel' && r.dev === 'hosts0'));
      assert.ok(seen.some((r) => r.dst === '2001:db8:9000::/48' && r.protocol === 'static' && r.via === GW));
    } finally {
      routes.close();
    }
  });
});

test('in a namespace: observeTouched answers present and absent by lookups, and by a dump when they cannot tell', { skip: labSkipReason(), timeout: 30_000 }, async () => {
  await withLab(SPEC, async (lab) => {
    const routes = new NetlinkRoutes(lab.ns('router'));
    const touched = async (dsts: string[]) => (await routes.observeTouched(dsts)).map((r) => `${r.dst} ${r.protocol}`).sort();
    try {
      await routes.apply([
        add(ours('2001:db8:4000::/48', GW)), // a host /48 whose first /80 is routed too
        add(ours('2001:db8:4000::/80', GW)),
        add(ours('2001:db8:4000:1::/80', GW)),
        add(ours('2001:db8:4100::/48', GW)), // a host /48 without /80s
        add(ours('2001:db8:4200::/48', GW)),
        add(ours('2001:db8:4300::/48', GW)),
        add(ours('2001:db8:3::99/128')),
        add(ours('::/0', GW)),
      ]);
      // Settled by lookups alone: the /48 under a /80 by its last address, the rest by their first.
      assert.deepEqual(await touched(['2001:db8:4000::/48', '2001:db8:4000::/80', '2001:db8:4000:1::/80', '2001:db8:4100::/48', '2001:db8:3::99/128', '2001:db8:4500::/48', '::/0']), [
        '2001:db8:3::99/128 v6edge',
        '2001:db8:4000:1::/80 v6edge',
        '2001:db8:4000::/48 v6edge',
        '2001:db8:4000::/80 v6edge',
        '2001:db8:4100::/48 v6edge',
        '::/0 v6edge',
      ]);
      assert.deepEqual(routes.counts, { lookups: 8, tableDumps: 0 });
      // A foreign route shadowing ours at the same prefix with a better metric, and another alone:
      // the lookups cannot see behind them, so one dump settles both.
      await ip(lab, '-6', 'route', 'add', '2001:db8:4200::/48', 'via', GW, 'dev', 'hosts0', 'proto', 'static', 'metric', '10');
      await ip(lab, '-6', 'route', 'add', '2001:db8:4400::/48', 'via', GW, 'dev', 'hosts0', 'proto', 'static');
      assert.deepEqual(await touched(['2001:db8:4100::/48', '2001:db8:4200::/48', '2001:db8:4300::/48', '2001:db8:4400::/48']), [
        '2001:db8:4100::/48 v6edge',
        '2001:db8:4200::/48 static',
        '2001:db8:4200::/48 v6edge',
        '2001:db8:4300::/48 v6edge',
        '2001:db8:4400::/48 static',
      ]);
      assert.equal(routes.counts.tableDumps, 1);
      // After deletion: the /48 under its /80s, the lone /48 and the default route are absent;
      // a /80 whose /48 is gone is still found.
      await routes.apply([del(ours('2001:db8:4000::/48', GW)), del(ours('2001:db8:4100::/48', GW)), del(ours('::/0', GW)), del(ours('2001:db8:4200::/48', GW))]);
      assert.deepEqual(await touched(['2001:db8:4000::/48', '2001:db8:4000::/80', '2001:db8:4100::/48', '::/0']), ['2001:db8:4000::/80 v6edge']);
      assert.deepEqual(await touched(['2001:db8:4200::/48']), ['2001:db8:4200::/48 static']);
      // An unreachable route over the space answers EHOSTUNREACH: still absent, still found when ours.
      await ip(lab, '-6', 'route', 'add', 'unreachable', '2001:db8::/32');
      const dumps = routes.counts.tableDumps;
      assert.deepEqual(await touched(['2001:db8:4100::/48', '2001:db8:4300::/48']), ['2001:db8:4300::/48 v6edge']);
      assert.equal(routes.counts.tableDumps, dumps);
      assert.deepEqual(await routes.observeTouched([]), []);
    } finally {
      routes.close();
    }
  });
});

test('in a namespace: 20,000 routes go in through KernelBackend in one apply and read back whole', { skip: labSkipReason(), timeout: 60_000 }, async () => {
  await withLab(SPEC, async (lab) => {
    const backend = new KernelBackend({ netns: lab.ns('router') });
    try {
      const changes: ChangeOf<'routes'>[] = [];
      for (let i = 0; i < 20_000; i++) changes.push(add(ours(`2001:db8:${(0x4000 + Math.floor(i / 16)).toString(16)}:${(i % 16).toString(16)}::/64`, GW)));
      const report = await backend.apply('routes', changes);
      assert.deepEqual(report, { applied: 20_000, failures: [] });
      const seen = await backend.observe({ sysctlKeys: [] });
      assert.equal(seen.routes?.filter((r) => r.protocol === 'v6edge').length, 20_000);
      const { stdout } = await lab.exec('router', ['sh', '-c', 'ip -6 route show proto v6edge | wc -l']);
      assert.equal(stdout.trim(), '20000');
      const removed = await backend.apply('routes', changes.map((c) => del(c.route)));
      assert.deepEqual(removed, { applied: 20_000, failures: [] });
      assert.deepEqual(await installed(lab), []);
    } finally {
      backend.close();
    }
  });
});

test('in a namespace: watch ignores the echo of our adds and hears foreign changes and our deletions', { skip: labSkipReason(), timeout: 30_000 }, async () => {
  await withLab(SPEC, async (lab) => {
    const backend = new KernelBackend({ netns: lab.ns('router') });
    const heard: string[] = [];
    const stop = backend.watch((why) => heard.push(why));
    try {
      await backend.apply('routes', [add(ours('2001:db8:4000::/48', GW))]);
      // A foreign route after ours: once it is heard, anything ours would have been heard too.
      await ip(lab, '-6', 'route', 'add', '2001:db8:9000::/48', 'via', GW, 'dev', 'hosts0', 'proto', 'static');
      await waitFor(async () => heard.find((h) => h.includes('2001:db8:9000::/48')), { timeoutMs: 5000, what: 'the foreign route event' });
      assert.deepEqual(heard.filter((h) => h.includes('2001:db8:4000::')), []);
      await backend.apply('routes', [del(ours('2001:db8:4000::/48', GW))]);
      const deleted = await waitFor(async () => heard.find((h) => h.includes('2001:db8:4000::/48')), { timeoutMs: 5000, what: 'our deletion event' });
      assert.equal(deleted, 'kernel event: route 2001:db8:4000::/48 proto 250 deleted');
    } finally {
      stop();
      backend.close();
    }
  });
});

test('in a namespace: a big apply of ours raises no event (its echoes are dropped in the kernel), and a foreign change afterwards is heard', { skip: labSkipReason(), timeout: 60_000 }, async () => {
  await withLab(SPEC, async (lab) => {
    const backend = new KernelBackend({ netns: lab.ns('router') });
    const heard: string[] = [];
    const stop = backend.watch((why) => heard.push(why));
    try {
      // Unfiltered, 80,000 echoes (~1 KiB of socket buffer each) would overflow the subscription's 32 MiB.
      const changes: ChangeOf<'routes'>[] = [];
      for (let i = 0; i < 80_000; i++) changes.push(add(ours(`2001:db8:${(0x4000 + (i >> 4)).toString(16)}:${(i & 15).toString(16)}::/64`, GW)));
      assert.equal((await backend.apply('routes', changes)).applied, 80_000);
      await ip(lab, '-6', 'route', 'add', '2001:db8:9000::/48', 'via', GW, 'dev', 'hosts0', 'proto', 'static');
      await waitFor(async () => heard.find((h) => h.includes('2001:db8:9000::/48')), { timeoutMs: 5000, what: 'the foreign route event' });
      assert.deepEqual(heard.filter((h) => !h.includes('2001:db8:9000::/48')), [], 'nothing but the foreign change was heard');
    } finally {
      stop();
      backend.close();
    }
  });
});
