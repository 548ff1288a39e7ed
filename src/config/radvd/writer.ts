// Writes a radvd.conf syntax tree as canonical text: one option per line in table order, blocks
// in a fixed order per interface, tabs for indentation. The text parses back to the same tree,
// and radvd reads it (radvd 2.19 too, unless the tree uses options only newer radvd knows).
import type { PrefixText, RadvdConfig, RadvdInterface } from './ast.ts';
import { INFINITY } from './ast.ts';
import {
  ABRO_OPTIONS,
  DNSSL_OPTIONS,
  INTERFACE_OPTIONS,
  LOWPANCO_OPTIONS,
  NAT64_OPTIONS,
  PREFIX_OPTIONS,
  RDNSS_OPTIONS,
  ROUTE_OPTIONS,
} from './options.ts';
import type { OptionSpec } from './options.ts';
import { writeAddress } from './values.ts';

export function writeRadvdConf(config: RadvdConfig): string {
  return config.interfaces.map(writeInterface).join('\n');
}

function writeValue(spec: OptionSpec<string>, value: unknown): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') return spec.kind === 'lifetime' && value === INFINITY ? 'infinity' : String(value);
  // Only AdvCaptivePortalAPI is quoted: a URI holds '/' and ';', which end an unquoted word.
  if (spec.kind === 'uri') return `"${String(value)}"`;
  return String(value);
}

function writeOptions<F extends string>(
  table: readonly OptionSpec<F>[],
  options: Partial<Record<F, unknown>>,
  indent: string,
): string[] {
  const lines: string[] = [];
  for (const spec of table) {
    const value = options[spec.field];
    if (value !== undefined) lines.push(`${indent}${spec.keyword} ${writeValue(spec, value)};`);
  }
  return lines;
}

const prefixText = (p: PrefixText): string => `${writeAddress(p.address)}/${p.length}`;

/** `head {` options `};` at one level of nesting. */
function block<F extends string>(head: string, table: readonly OptionSpec<F>[], options: Partial<Record<F, unknown>>): string[] {
  return ['', `\t${head}`, '\t{', ...writeOptions(table, options, '\t\t'), '\t};'];
}

function list(head: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  return ['', `\t${head}`, '\t{', ...items.map((i) => `\t\t${i};`), '\t};'];
}

function writeInterface(iface: RadvdInterface): string {
  const lines = [`interface ${iface.name}`, '{', ...writeOptions(INTERFACE_OPTIONS, iface.options, '\t')];
  for (const p of iface.prefixes) lines.push(...block(`prefix ${prefixText(p)}`, PREFIX_OPTIONS, p.options));
  lines.push(...list('clients', iface.clients.map((c) => `${c.ignored ? '!' : ''}${writeAddress(c.address)}`)));
  for (const r of iface.routes) lines.push(...block(`route ${prefixText(r)}`, ROUTE_OPTIONS, r.options));
  for (const r of iface.rdnss) lines.push(...block(`RDNSS ${r.addresses.map(writeAddress).join(' ')}`, RDNSS_OPTIONS, r.options));
  for (const d of iface.dnssl) lines.push(...block(`DNSSL ${d.suffixes.join(' ')}`, DNSSL_OPTIONS, d.options));
  for (const l of iface.lowpanContexts) lines.push(...block('lowpanco', LOWPANCO_OPTIONS, l.options));
  for (const a of iface.abros) lines.push(...block(`abro ${writeAddress(a.address)}`, ABRO_OPTIONS, a.options));
  for (const n of iface.nat64prefixes) lines.push(...block(`nat64prefix ${prefixText(n)}`, NAT64_OPTIONS, n.options));
  lines.push(...list('autoignoreprefixes', iface.autoIgnorePrefixes.map(prefixText)));
  lines.push(...list('AdvRASrcAddress', iface.raSourceAddresses.map(writeAddress)));
  lines.push('};', '');
  return lines.join('\n');
}
