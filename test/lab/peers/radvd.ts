// radvd, the reference RA sender, run from a config text.
import type { Lab } from '../topology.ts';
import type { Peer } from '../peer.ts';

export interface RadvdOptions {
  /** Peer and file name; default `radvd-<node>`. */
  readonly name?: string;
}

/**
 * Checks `confText` with `radvd -c` (so a typo fails here with radvd's own message), then runs
 * radvd in the foreground logging to the peer log. radvd 2.19 lacks nat64prefix and
 * AdvCaptivePortalAPI; it answers an RS at once with a unicast RA.
 */
export async function startRadvd(lab: Lab, node: string, confText: string, options: RadvdOptions = {}): Promise<Peer> {
  const name = options.name ?? `radvd-${node}`;
  const conf = lab.file(`${name}.conf`, confText);
  await lab.exec(node, ['radvd', '-c', '-C', conf]);
  return lab.spawn(node, ['radvd', '-n', '-m', 'stderr', '-d', '1', '-C', conf, '-p', `${lab.dir}/${name}.pid`], { name });
}
