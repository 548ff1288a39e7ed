// Changes as iproute2 batch lines (ip-batch format: one command per line, without `ip`).
// Pure; every change maps to one or more lines, so a failed line names its change.
import { OWNER_ALIAS } from '../../reconcile/types.ts';
import type { ChangeOf, Link } from '../../reconcile/types.ts';

function linkType(l: Link): string {
  switch (l.kind) {
    case 'vlan':
      return `link ${l.parent ?? ''} name ${l.name} type vlan id ${l.vlanId ?? 0}`;
    case 'bond':
      return `name ${l.name} type bond mode ${l.bondMode ?? 'active-backup'}`;
    default:
      return `name ${l.name} type ${l.kind}`;
  }
}

export function linkCommands(c: ChangeOf<'links'>): string[] {
  const l = c.link;
  if (c.op === 'delete') return [`link del ${l.name}`];
  const state = `link set ${l.name} ${l.up ? 'up' : 'down'}`;
  if (c.op === 'add') {
    // The alias marks the link as ours, so only links we created are ever deleted.
    return [`link add ${linkType(l)}`, `link set ${l.name} alias ${OWNER_ALIAS} mtu ${l.mtu}`, ...(l.master === undefined ? [] : [`link set ${l.name} master ${l.master}`]), state];
  }
  const out: string[] = [];
  if (l.master !== c.before.master) {
    // A bond takes only members that are down.
    out.push(`link set ${l.name} down`, l.master === undefined ? `link set ${l.name} nomaster` : `link set ${l.name} master ${l.master}`);
  }
  if (l.mtu !== c.before.mtu) out.push(`link set ${l.name} mtu ${l.mtu}`);
  out.push(state);
  return out;
}

export function addressCommands(c: ChangeOf<'addresses'>): string[] {
  return [`addr ${c.op === 'add' ? 'add' : 'del'} ${c.address.cidr} dev ${c.address.dev}`];
}

export function proxyCommands(c: ChangeOf<'proxyNeighbors'>): string[] {
  return [`neigh ${c.op === 'add' ? 'add' : 'del'} proxy ${c.neighbor.address} dev ${c.neighbor.dev}`];
}
