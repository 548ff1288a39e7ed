// The lab returns once links are up, but addrconf sees carrier a moment later: until then a node
// has no link-local address and sending on the link fails with ENETUNREACH.
import type { Lab } from '../lab/index.ts';

/** Waits until every named interface has a usable (non-tentative) link-local address. */
export async function linksReady(lab: Lab, ends: ReadonlyArray<readonly [node: string, ifname: string]>): Promise<void> {
  for (const [node, ifname] of ends) {
    await lab.waitFor(async () => (await lab.addresses(node, ifname)).some((a) => a.scope === 'link' && !a.tentative), {
      timeoutMs: 5000,
      what: `a link-local address on ${node}/${ifname}`,
    });
  }
}
