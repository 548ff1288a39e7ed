// Wireshark's dissectors as a second opinion on what our codecs write: runs tshark on a pcap file
// and hands back, per packet, its layers, every field with its values, and the malformed-packet
// and expert entries the dissectors raised.
import { execFileSync } from 'node:child_process';

/** Expert-info severities as tshark prints them (epan/proto.h PI_*); ERROR is the highest. */
export const PI_ERROR = 0x00800000;

/** One expert entry: a dissector's remark about a field. */
export interface ExpertNote {
  readonly message: string;
  readonly severity: number;
  readonly group: number;
}

export interface DissectedPacket {
  /** `_source.layers` of tshark's JSON: one key per protocol (`frame`, `ipv6`, `udp`, `dhcpv6`, …). */
  readonly layers: Readonly<Record<string, unknown>>;
  /** Every field name anywhere in the packet, with all its values in document order. */
  readonly fields: Readonly<Record<string, readonly string[]>>;
  /** The texts of `_ws.malformed` entries (a dissector ran past the data or found it invalid). */
  readonly malformed: readonly string[];
  readonly expert: readonly ExpertNote[];
}

let installed: boolean | undefined;

/** undefined when tshark runs here; otherwise the reason a test must skip. */
export function tsharkSkipReason(): string | undefined {
  installed ??= probe();
  return installed ? undefined : 'tshark is not installed';
}

function probe(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Dissects every packet of `pcapPath` (`tshark -r FILE -T json --no-duplicate-keys`; with that
 * flag a field seen twice in one tree comes as one key with an array of values).
 */
export function dissect(pcapPath: string): DissectedPacket[] {
  const json = execFileSync('tshark', ['-r', pcapPath, '-T', 'json', '--no-duplicate-keys'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const frames = JSON.parse(json) as { _source: { layers: Record<string, unknown> } }[];
  return frames.map(({ _source: { layers } }) => ({
    layers,
    fields: flattenFields(layers),
    malformed: fieldValues(layers, '_ws.malformed'),
    expert: expertNotes(layers),
  }));
}

/** Every field name in a tshark JSON tree, with all its string values in document order. */
export function flattenFields(tree: unknown, out: Record<string, string[]> = {}): Record<string, string[]> {
  if (Array.isArray(tree)) {
    for (const item of tree) flattenFields(item, out);
  } else if (tree !== null && typeof tree === 'object') {
    for (const [key, value] of Object.entries(tree)) {
      if (typeof value === 'string') (out[key] ??= []).push(value);
      else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) (out[key] ??= []).push(...(value as string[]));
      else flattenFields(value, out);
    }
  }
  return out;
}

/** Every value under `key` anywhere in the tree; a value that is a subtree comes as its JSON. */
export function fieldValues(tree: unknown, key: string): string[] {
  if (Array.isArray(tree)) return tree.flatMap((t) => fieldValues(t, key));
  if (tree === null || typeof tree !== 'object') return [];
  return Object.entries(tree).flatMap(([k, v]) => {
    if (k !== key) return fieldValues(v, key);
    return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  });
}

/** The `_ws.expert` subtrees anywhere in the tree (tshark nests them under the field they concern). */
function expertNotes(tree: unknown): ExpertNote[] {
  if (Array.isArray(tree)) return tree.flatMap(expertNotes);
  if (tree === null || typeof tree !== 'object') return [];
  return Object.entries(tree).flatMap(([k, v]) => {
    if (k !== '_ws.expert') return expertNotes(v);
    return (Array.isArray(v) ? v : [v]).map((note: unknown) => {
      const n = (note ?? {}) as Record<string, unknown>;
      return {
        message: String(n['_ws.expert.message'] ?? ''),
        severity: Number(n['_ws.expert.severity'] ?? 0),
        group: Number(n['_ws.expert.group'] ?? 0),
      };
    });
  });
}
