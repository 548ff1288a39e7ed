// Firewall: our rules with their counters, and the ports hosts publish through it.
import { Box, useInput } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import type { FirewallCounterDto, HostDto } from '../../src/api/types.ts';
import { Section } from '../components/chrome.ts';
import { Table } from '../components/table.ts';
import { usePolled } from '../hooks/use-polled.ts';
import type { KeyHelp, ScreenProps } from './screen.ts';

export const firewallKeys: KeyHelp = [['r', 'reload now']];
export const firewallHints = 'r reload';

/** 1234567 → `1.2M`: counters stay readable in a narrow column. */
export function compactCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

export function FirewallScreen(p: ScreenProps): ReactElement {
  const { session, width, height } = p;
  const pal = session.palette;
  const polled = usePolled(session, async (c): Promise<{ rules: readonly FirewallCounterDto[]; hosts: readonly HostDto[] }> => {
    const [rules, hosts] = await Promise.all([c.firewall(), c.hosts()]);
    return { rules, hosts };
  }, [session.events.commit]);
  useInput((input) => {
    if (input === 'r') polled.reload();
  }, { isActive: p.active });
  const rules = polled.data?.rules ?? [];
  const ports = (polled.data?.hosts ?? []).flatMap((host) => host.publishedPorts.map((pp) => [host.name, pp.protocol, pp.port, pp.target]));
  const portRows = Math.min(ports.length + 1, Math.max(2, Math.floor((height - 1) / 3)));
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Table, {
      columns: [
        { header: 'Chain', min: 10 },
        { header: 'Rule', min: 20, grow: 1 },
        { header: 'Packets', min: 8, align: 'right' },
        { header: 'Bytes', min: 8, align: 'right' },
      ],
      rows: rules.map((r) => [r.chain, r.rule, compactCount(r.packets), compactCount(r.bytes)]),
      width,
      height: Math.max(2, height - portRows - 1),
      palette: pal,
      empty: polled.data === undefined ? 'loading…' : 'no rules',
    }),
    h(Section, { width, palette: pal, title: `Published ports (${ports.length})` }),
    h(Table, {
      columns: [{ header: 'Host', min: 10 }, { header: 'Proto', min: 5 }, { header: 'Port', min: 11 }, { header: 'Target', min: 20, grow: 1 }],
      rows: ports,
      width,
      height: portRows,
      palette: pal,
      empty: 'no published ports',
    }),
  );
}
