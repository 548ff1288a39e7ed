import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkCommands } from '../../src/backends/kernel/commands.ts';
import { parseAddresses, parseBatchErrors, parseLinks } from '../../src/backends/kernel/parse.ts';
import { ensureRouteProtocol } from '../../src/backends/kernel/protocol.ts';
import { KernelBackend } from '../../src/backends/kernel/backend.ts';
import { execFileSync } from 'node:child_process';
import { labSkipReason } from '../lab/index.ts';

test('ip -json output parses into links and addresses', () => {
  const links = parseLinks([
    { ifname: 'lo', mtu: 65536, flags: ['LOOPBACK', 'UP'] },
    { ifname: 'eth0', mtu: 1500, flags: ['UP'], master: 'br0' },
    { ifname: 'v10', link: 'eth0', mtu: 1500, flags: [], ifalias: 'v6edge', linkinfo: { info_kind: 'vlan', info_data: { id: 10 } } },
  ]);
  assert.deepEqual(links, [
    { name: 'eth0', kind: 'ethernet', mtu: 1500, up: true, owned: false, master: 'br0' },
    { name: 'v10', kind: 'vlan', mtu: 1500, up: false, owned: true, parent: 'eth0', vlanId: 10 },
  ]);
  assert.deepEqual(parseAddresses([{ ifname: 'eth0', addr_info: [
    { family: 'inet6', local: '2001:DB8:0::1', prefixlen: 64, scope: 'global' },
    { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
  ] }]), [{ dev: 'eth0', cidr: '2001:db8::1/64' }]);
});

test('batch errors map to their lines', () => {
  const errors = parseBatchErrors('Cannot find device "nope"\nCommand failed -:1\nError: Nexthop device is not up.\nCommand failed -:3\n');
  assert.deepEqual([...errors], [[1, 'Cannot find device "nope"'], [3, 'Nexthop device is not up.']]);
});

test('changes become iproute2 batch lines; created links carry the owner alias', () => {
  assert.deepEqual(linkCommands({ subsystem: 'links', op: 'add', link: { name: 'v10', kind: 'vlan', parent: 'eth0', vlanId: 10, mtu: 1500, up: true } }), [
    'link add link eth0 name v10 type vlan id 10', 'link set v10 alias v6edge mtu 1500', 'link set v10 up',
  ]);
  assert.deepEqual(linkCommands({ subsystem: 'links', op: 'set', link: { name: 'eth2', kind: 'ethernet', mtu: 1500, up: true, master: 'bond0' }, before: { name: 'eth2', kind: 'ethernet', mtu: 1500, up: true } }), [
    'link set eth2 down', 'link set eth2 master bond0', 'link set eth2 up',
  ]);
});

test('the route protocol is registered once, and a clash is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'v6edge-protos-'));
  try {
    const base = join(dir, 'rt_protos');
    writeFileSync(base, '2\tkernel\n186\tbgp\n');
    const d = join(dir, 'rt_protos.d');
    const first = ensureRouteProtocol(d, base);
    assert.deepEqual(first, { ok: true, value: 'added' });
    assert.match(readFileSync(join(d, 'v6edge.conf'), 'utf8'), /^250\tv6edge$/m);
    assert.deepEqual(ensureRouteProtocol(d, base), { ok: true, value: 'present' });
    writeFileSync(base, '250\tsomeoneelse\n');
    rmSync(join(d, 'v6edge.conf'));
    const clash = ensureRouteProtocol(d, base);
    assert.equal(clash.ok ? '' : clash.error.code, 'protocol-taken');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in a namespace: observeTouched reads back exactly the routes asked for, present or not', { skip: labSkipReason(), timeout: 20_000 }, async () => {
  const ns = `v6t-backends-touch-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const ip = (...args: string[]) => execFileSync('ip', ['-n', ns, ...args]);
    ip('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ip('link', 'set', 'v0', 'up');
    ip('link', 'set', 'v1', 'up');
    for (const dst of ['2001:db8:1::/48', '2001:db8:2::/48', '2001:db8:3::/48']) ip('-6', 'route', 'add', dst, 'dev', 'v0', 'proto', '250');
    const backend = new KernelBackend({ netns: ns });
    try {
      const seen = await backend.observeTouched({ routes: ['2001:db8:1::/48', '2001:db8:9::/48', '2001:db8:3::/48'] });
      assert.deepEqual(seen.routes?.map((r) => r.dst), ['2001:db8:1::/48', '2001:db8:3::/48']);
      assert.deepEqual(await backend.observeTouched({ routes: [] }), { routes: [] });
    } finally {
      backend.close();
    }
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
