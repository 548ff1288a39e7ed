// Typed views of `ip -json -6 addr|route|neigh`, keeping only the fields tests assert on.
import { z } from 'zod';

const AddrInfo = z.object({
  family: z.string(),
  local: z.string(),
  prefixlen: z.number(),
  scope: z.string(),
  dynamic: z.boolean().optional(),
  tentative: z.boolean().optional(),
  deprecated: z.boolean().optional(),
  mngtmpaddr: z.boolean().optional(),
  valid_life_time: z.number().optional(),
  preferred_life_time: z.number().optional(),
});
const AddrLink = z.object({ ifname: z.string(), addr_info: z.array(AddrInfo) });

export interface InterfaceAddress {
  readonly address: string;
  readonly prefixLength: number;
  readonly scope: string;
  /** Learned from an RA or DHCP (has lifetimes) rather than configured by hand. */
  readonly dynamic: boolean;
  readonly tentative: boolean;
  readonly deprecated: boolean;
  /** Seconds; 4294967295 means forever. */
  readonly validLifetime: number;
  readonly preferredLifetime: number;
}

const FOREVER = 0xffffffff;

export function parseAddresses(json: unknown): InterfaceAddress[] {
  return z.array(AddrLink).parse(json).flatMap((link) =>
    link.addr_info
      .filter((a) => a.family === 'inet6')
      .map((a) => ({
        address: a.local,
        prefixLength: a.prefixlen,
        scope: a.scope,
        dynamic: a.dynamic === true,
        tentative: a.tentative === true,
        deprecated: a.deprecated === true,
        validLifetime: a.valid_life_time ?? FOREVER,
        preferredLifetime: a.preferred_life_time ?? FOREVER,
      })),
  );
}

const RouteJson = z.object({
  dst: z.string(),
  gateway: z.string().optional(),
  dev: z.string().optional(),
  protocol: z.string().optional(),
  metric: z.number().optional(),
  expires: z.number().optional(),
  pref: z.string().optional(),
  type: z.string().optional(),
});

export interface Route {
  /** `default` or a prefix such as `2001:db8:1::/64`. */
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
  /** `kernel`, `ra`, `static`, `boot`, or a name from rt_protos such as `v6edge`. */
  readonly protocol?: string;
  readonly metric?: number;
  /** Seconds left, for routes learned with a lifetime. */
  readonly expires?: number;
  readonly pref?: string;
  /** Present for non-unicast routes (`unreachable`, `blackhole`, …). */
  readonly type?: string;
}

export function parseRoutes(json: unknown): Route[] {
  return z.array(RouteJson).parse(json).map((r) => dropUndefined(r));
}

const NeighJson = z.object({
  dst: z.string(),
  dev: z.string().optional(),
  lladdr: z.string().optional(),
  router: z.null().optional(),
  proxy: z.null().optional(),
  state: z.array(z.string()).optional(),
});

export interface Neighbor {
  readonly address: string;
  readonly dev?: string;
  readonly lladdr?: string;
  /** The neighbour said it is a router (NA R flag, RFC 4861 §4.4). */
  readonly router: boolean;
  /** A proxy entry (`ip -6 neigh add proxy`), not a cache entry. */
  readonly proxy: boolean;
  /** e.g. ['REACHABLE'], ['STALE'], ['FAILED']; empty for proxy entries. */
  readonly state: readonly string[];
}

export function parseNeighbors(json: unknown): Neighbor[] {
  // `ip -json` prints flags such as "router" as a key with a null value.
  return z.array(NeighJson).parse(json).map((n) =>
    dropUndefined({
      address: n.dst,
      dev: n.dev,
      lladdr: n.lladdr,
      router: 'router' in n,
      proxy: 'proxy' in n,
      state: n.state ?? [],
    }),
  );
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
