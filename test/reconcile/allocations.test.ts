import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateForConfig } from '../../src/reconcile/allocations.ts';
import { validateConfig } from '../../src/config/validate.ts';
import { demoConfig } from '../../src/config/defaults.ts';
import { contains, parsePrefix } from '../../src/net/prefix.ts';
import { unwrap } from '../../src/lib/result.ts';
import type { Config } from '../../src/config/schema.ts';

function withHosts(hosts: Record<string, unknown>): Config {
  const base = demoConfig();
  return unwrap(validateConfig({ ...base, hosts: { ...base.hosts, ...hosts } }) as never) as Config;
}

test('every host gets a prefix from the pool and every network one inside its host', () => {
  const config = demoConfig();
  const r = unwrap(allocateForConfig([], config, 0));
  assert.deepEqual(r.problems, []);
  const hostCount = Object.keys(config.hosts).length;
  const netCount = Object.values(config.hosts).reduce((n, h) => n + Object.keys(h.networks).length, 0);
  assert.ok(hostCount > 0 && netCount > 0, 'the demo has hosts with networks');
  assert.equal(r.allocated.length, hostCount + netCount);
  assert.deepEqual(r.released, []);
  for (const [name, host] of Object.entries(config.hosts)) {
    const held = r.state.find((a) => a.pool === 'hosts' && a.owner === name);
    assert.ok(held, `host ${name} allocated`);
    for (const net of Object.keys(host.networks)) {
      const n = r.state.find((a) => a.pool === `host:${name}` && a.owner === `${name}/${net}`);
      assert.ok(n && contains(unwrap(parsePrefix(held.prefix)), unwrap(parsePrefix(n.prefix))), `${name}/${net} inside ${held.prefix}`);
    }
  }
});

test('a second pass over the same config changes nothing (no churn of network pools)', () => {
  const config = demoConfig();
  const first = unwrap(allocateForConfig([], config, 0));
  const second = unwrap(allocateForConfig(first.state, config, 1000));
  assert.deepEqual(second.allocated, []);
  assert.deepEqual(second.released, []);
  assert.deepEqual(second.state, first.state);
});

test('a removed host releases its prefix and its networks into quarantine', () => {
  const config = demoConfig();
  const first = unwrap(allocateForConfig([], config, 0));
  const name = Object.keys(config.hosts)[0]!;
  const { [name]: _gone, ...rest } = config.hosts;
  const without = { ...config, hosts: rest } as Config;
  const second = unwrap(allocateForConfig(first.state, without, 5000));
  assert.ok(second.released.some((a) => a.pool === 'hosts' && a.owner === name));
  assert.ok(second.released.every((a) => a.releasedAt === 5000));
  assert.ok(second.released.length >= 1 + Object.keys(config.hosts[name]!.networks).length);
});

test('a per-host length the pool does not hand out is a problem naming the host, not a crash', () => {
  const config = withHosts({ odd: { interface: 'hosts0', nextHop: 'fe80::99', prefixLength: 52 } });
  const r = unwrap(allocateForConfig([], config, 0));
  assert.deepEqual(r.problems.map((p) => [p.code, p.where]), [['unsupported', { path: 'hosts.odd.prefixLength' }]]);
});
