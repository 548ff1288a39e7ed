// ServiceSet moves services to a new revision live: RA runners get update() (never a restart),
// interfaces that stop advertising stop, DHCPv6 is reconfigured live (never reopened) when its
// part of the config changed, and an operator's release goes through the running server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema, type Config } from '../../src/config/schema.ts';
import { demoConfig } from '../../src/config/defaults.ts';
import { Logger } from '../../src/daemon/logs.ts';
import { ServiceSet, type Dhcpv6Service, type RaService } from '../../src/daemon/services.ts';
import type { RaStatus } from '../../src/services/ra/runner.ts';

function recorder() {
  const calls: string[] = [];
  const ra = async (ifname: string): Promise<RaService> => {
    calls.push(`ra start ${ifname}`);
    return {
      update: () => void calls.push(`ra update ${ifname}`),
      stop: async () => void calls.push(`ra stop ${ifname}`),
      status: () => ({ ifname, phase: 'advertising', rasSent: 0, rasSentUnicast: 0, rsReceived: 0, drops: {}, sendErrors: 0, rogue: [], rogueRas: 0, problems: [], withdrawn: [] }) as RaStatus,
    };
  };
  const served = (config: Config): string => Object.keys(config.interfaces).filter((n) => config.interfaces[n]!.dhcpv6?.mode !== undefined && config.interfaces[n]!.dhcpv6?.mode !== 'off').join(',');
  const dhcpv6 = (config: Config): Dhcpv6Service => {
    calls.push(`dhcpv6 new ${served(config)}`);
    return {
      start: async () => ({ ok: true, value: undefined }),
      reconfigure: async (c) => {
        calls.push(`dhcpv6 reconfigure ${served(c)}`);
        return { ok: true, value: undefined };
      },
      release: async (lease) => {
        calls.push(`dhcpv6 release ${lease}`);
        return { ok: true, value: [] };
      },
      stop: async () => void calls.push('dhcpv6 stop'),
      status: () => ({ leases: {}, drops: {}, messages: {}, replies: 0 }),
      on: () => undefined,
    };
  };
  return { calls, factories: { ra, dhcpv6 } };
}

const edit = (mutate: (c: Record<string, any>) => void): Config => {
  const doc = JSON.parse(JSON.stringify(demoConfig()));
  mutate(doc);
  return configSchema.parse(doc);
};

test('apply: start, live RA update, RA off on one link, DHCPv6 reconfigured only for its own changes', async () => {
  const { calls, factories } = recorder();
  const set = new ServiceSet(factories, new Logger({ write: () => undefined }), () => undefined);
  await set.apply(demoConfig());
  assert.deepEqual(calls.splice(0), ['ra start lan0', 'ra start lan1', 'dhcpv6 new lan0,lan1']);

  await set.apply(demoConfig());
  assert.deepEqual(calls.splice(0), [], 'the same config changes nothing');

  await set.apply(edit((c) => (c.interfaces.lan0.ra.maxRtrAdvInterval = 300)));
  assert.deepEqual(calls.splice(0), ['ra update lan0'], 'an RA change is an update, not a restart');

  await set.apply(edit((c) => {
    c.interfaces.lan0.ra.maxRtrAdvInterval = 300;
    c.interfaces.lan1.ra.enabled = false;
    c.interfaces.hosts0.mtu = 1400;
  }));
  assert.deepEqual(calls.splice(0), ['ra stop lan1'], 'advertising stops on lan1 only; an MTU elsewhere reopens nothing');

  await set.apply(edit((c) => {
    c.interfaces.lan0.ra.maxRtrAdvInterval = 300;
    c.interfaces.lan1.ra.enabled = false;
    c.interfaces.lan1.dhcpv6.dnsServers = ['2001:db8:2::53'];
  }));
  assert.deepEqual(calls.splice(0), ['dhcpv6 reconfigure lan0,lan1'], 'a DHCPv6 change is a reconfigure, not a restart');

  await set.apply(edit((c) => {
    c.interfaces.lan0.ra.maxRtrAdvInterval = 300;
    c.interfaces.lan1.ra.enabled = false;
    c.interfaces.lan1.dhcpv6.mode = 'off';
  }));
  assert.deepEqual(calls.splice(0), ['dhcpv6 reconfigure lan0'], 'DHCPv6 off on one link is a reconfigure too');
  assert.deepEqual(set.health().ra, { health: 'ok' });
  assert.deepEqual(await set.releaseDhcpv6('2001:db8::5'), { ok: true, value: [] });
  assert.deepEqual(calls.splice(0), ['dhcpv6 release 2001:db8::5']);

  await set.stop();
  assert.deepEqual(calls.splice(0), ['ra stop lan0', 'dhcpv6 stop']);
});

test('a service that fails to start is reported in health; the others run', async () => {
  const set = new ServiceSet({ ra: async (ifname) => Promise.reject(new Error(`cannot open a raw socket on ${ifname}`)) }, new Logger({ write: () => undefined }), () => undefined);
  await set.apply(demoConfig());
  const h = set.health();
  assert.equal(h.ra.health, 'failed');
  assert.match(h.ra.detail ?? '', /lan0: cannot open a raw socket/);
  assert.deepEqual(h.dhcpv6, { health: 'off' });
});
