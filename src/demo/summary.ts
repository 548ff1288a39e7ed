// The one screen the demo prints before the TUI opens: what runs where, the socket, and how to
// look at it from another terminal. Pure, so its wording is tested without a lab.

export interface DemoNamespace {
  readonly node: string;
  readonly ns: string;
  /** What the namespace plays, e.g. `LAN host on lan0, SLAAC 2001:db8:1::…`. */
  readonly role: string;
}

export interface DemoFacts {
  readonly namespaces: readonly DemoNamespace[];
  readonly routerNs: string;
  readonly socketPath: string;
  readonly daemonLog: string;
  /** Whether the TUI opens next (otherwise the demo waits for Ctrl-C). */
  readonly tui: boolean;
}

export function demoSummary(f: DemoFacts): string {
  const nodeWidth = Math.max(...f.namespaces.map((n) => n.node.length), 4);
  const nsWidth = Math.max(...f.namespaces.map((n) => n.ns.length), 9);
  return [
    `v6edge demo — ${f.namespaces.length} network namespaces are up; router namespace: ${f.routerNs}`,
    '',
    ...f.namespaces.map((n) => `  ${n.node.padEnd(nodeWidth)}  ${n.ns.padEnd(nsWidth)}  ${n.role}`),
    '',
    `API socket: ${f.socketPath}`,
    `Daemon log: ${f.daemonLog}`,
    'From another terminal:',
    `  v6edge status --socket ${f.socketPath}`,
    `  v6edge tui --socket ${f.socketPath}`,
    `  ip -n ${f.routerNs} -6 route show proto v6edge`,
    '',
    f.tui
      ? 'Opening the TUI (1–9 screens, ? help). q quits: the daemon stops, the lab goes.'
      : 'No TUI: Ctrl-C (SIGINT) stops the daemon and tears the lab down.',
  ].join('\n');
}
