// The packet services as they run on a router: raw ICMPv6 sockets for RA, node:dgram sockets for
// DHCPv6, AF_PACKET for the NDP proxy. `netns` reaches the raw sockets and `ip` commands only;
// DHCPv6 sockets are opened in the daemon's own namespace (Node cannot move a dgram socket), so
// a lab runs the whole daemon under `ip netns exec`.
import type { Config } from '../config/schema.ts';
import { Dhcpv6Server } from '../services/dhcpv6/runner.ts';
import { NdProxy } from '../services/ndproxy/index.ts';
import { ipFacts } from '../services/ra/facts.ts';
import { RaRunner } from '../services/ra/runner.ts';
import type { Store } from '../store/store.ts';
import type { ServiceFactories } from './services.ts';

export function realServices(store: Store<Config>, netns: string | undefined): ServiceFactories {
  const ns = netns === undefined ? {} : { netns };
  return {
    ra: (ifname, config) => RaRunner.start({ ifname, config, facts: ipFacts(ifname, netns), store, ...ns }),
    dhcpv6: (config) => new Dhcpv6Server({ store, config }),
    ndproxy: async (config) => {
      const proxy = await NdProxy.start({ config: config.ndproxy, ...ns });
      return { update: (c: Config) => proxy.update(c.ndproxy), stop: () => proxy.stop(), status: () => proxy.status() };
    },
  };
}
