// The NDP proxy in the OPNFV container scenario, judged by the upstream kernel's neighbour table,
// ping, and a capture of the proxy's answers (ndisc6 cannot judge proxy NAs: it drops any NA
// whose source is not the target).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labSkipReason } from '../../lab/index.ts';
import { CONTAINER, pingFromUpstream, rules, upstreamSender, withProxyLab } from './lab.ts';
import { nsFrame } from './ns-frames.ts';

const skip = labSkipReason();

test('static rule: the container is reachable from upstream through a proxy NA with O=0, S=1, R=1', { skip }, async () => {
  await withProxyLab({ config: rules('static') }, async (lab, proxy) => {
    const routerMac = await lab.mac('router', 'wan0');
    const capture = await lab.capture('up', 'up0', { filter: 'icmp6' });
    assert.equal(await pingFromUpstream(lab, CONTAINER), true);
    const entry = (await lab.neighbors('up')).find((n) => n.address === CONTAINER);
    assert.equal(entry?.lladdr, routerMac);
    assert.equal(entry?.router, true);
    // Outside every rule: no answer, so no route.
    assert.equal(await pingFromUpstream(lab, '2001:db8::99', 1), false);
    const nas = await capture.fields(['icmpv6.nd.na.target_address', 'icmpv6.nd.na.flag.o', 'icmpv6.nd.na.flag.s', 'icmpv6.nd.na.flag.r', 'icmpv6.opt.linkaddr', 'ipv6.hlim'], 'icmpv6.type == 136');
    const forContainer = nas.filter((r) => r[0] === CONTAINER);
    assert.ok(forContainer.length >= 1, `no NA for ${CONTAINER} in ${JSON.stringify(nas)}`);
    for (const [, o, s, r, lla, hlim] of forContainer) {
      assert.deepEqual([o, s, r, lla, hlim], ['0', '1', '1', routerMac, '255']);
    }
    assert.equal(nas.filter((r) => r[0] === '2001:db8::99').length, 0);
    assert.ok((proxy.status().counters['drop:no-rule'] ?? 0) >= 1);
  });
});

test('auto rule: only addresses a container holds are answered; one appearing later is found after the negative cache', { skip }, async () => {
  await withProxyLab({ config: rules('auto'), limits: { negativeTtlMs: 1000 } }, async (lab, proxy) => {
    assert.equal(await pingFromUpstream(lab, CONTAINER), true);
    assert.equal((await lab.neighbors('up')).find((n) => n.address === CONTAINER)?.lladdr, await lab.mac('router', 'wan0'));
    assert.equal(await pingFromUpstream(lab, '2001:db8::c00a', 1), false);
    const entries = proxy.status().entries;
    assert.equal(entries.find((e) => e.address === CONTAINER)?.state, 'answering');
    assert.ok(['negative', 'probing'].includes(entries.find((e) => e.address === '2001:db8::c00a')?.state ?? 'absent'), JSON.stringify(entries));
    await lab.exec('ctr', ['ip', '-6', 'addr', 'add', '2001:db8::c00a/125', 'dev', 'eth0', 'nodad']);
    // The negative entry lasts 1 s here; after it, one probe finds the new container.
    const reached = await lab.waitFor(async () => ((await pingFromUpstream(lab, '2001:db8::c00a', 1)) ? true : undefined), {
      timeoutMs: 8000,
      what: 'the new container answering through the proxy',
    });
    assert.equal(reached, true);
  });
});

test('malformed solicitations are dropped and counted by reason', { skip }, async () => {
  await withProxyLab({ config: rules('static') }, async (lab, proxy) => {
    const sender = upstreamSender(lab);
    const truncated = nsFrame({ target: CONTAINER, source: '2001:db8::1', options: [{ type: 'source-lla', address: '02:00:00:00:00:01' }], corrupt: (b) => {
      const c = b.slice();
      c[25] = 3; // the SLLAO claims 24 bytes where 8 remain
      return c;
    } });
    try {
      sender.send(nsFrame({ target: CONTAINER, source: '2001:db8::1', hopLimit: 254 }));
      sender.send(nsFrame({ target: CONTAINER, source: '2001:db8::1', breakChecksum: true }));
      sender.send(nsFrame({ target: 'ff02::1', source: '2001:db8::1', destination: 'ff02::1:ff00:1' }));
      sender.send(truncated);
      const want = ['drop:hop-limit', 'drop:bad-checksum', 'drop:ns-multicast-target', 'drop:option-overrun'];
      const counters = await lab.waitFor((note) => {
        const c = proxy.status().counters;
        note(c);
        return want.every((k) => c[k] === 1) ? c : undefined;
      }, { timeoutMs: 3000, what: 'every bad NS counted once by its reason' });
      assert.equal(counters['answered'] ?? 0, 0);
    } finally {
      sender.close();
    }
  });
});
