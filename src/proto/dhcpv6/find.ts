// Reading options out of messages: the first or every option of a kind, and typed getters for
// the ones servers and clients look at on every exchange.
import type { Dhcp6ClientServerMessage, Dhcp6Message, Dhcp6Option, Duid, OptionOf } from './types.ts';
import { isRelay } from './types.ts';

/** Anything that carries options: a message, an IA, an address or prefix. */
export interface HasOptions {
  readonly options: readonly Dhcp6Option[];
}

/** The first option of `kind` directly in `from` (not inside IAs), or undefined. */
export function findOption<K extends Dhcp6Option['kind']>(from: HasOptions, kind: K): OptionOf<K> | undefined {
  return from.options.find((o): o is OptionOf<K> => o.kind === kind);
}

/** Every option of `kind` directly in `from`, in order. */
export function findOptions<K extends Dhcp6Option['kind']>(from: HasOptions, kind: K): OptionOf<K>[] {
  return from.options.filter((o): o is OptionOf<K> => o.kind === kind);
}

/** The first raw option with `code` (an option this codec has no typed form for). */
export function findRawOption(from: HasOptions, code: number): OptionOf<'raw'> | undefined {
  return from.options.find((o): o is OptionOf<'raw'> => o.kind === 'raw' && o.code === code);
}

export const clientId = (from: HasOptions): Duid | undefined => findOption(from, 'client-id')?.duid;
export const serverId = (from: HasOptions): Duid | undefined => findOption(from, 'server-id')?.duid;
export const iaNa = (from: HasOptions): OptionOf<'ia-na'>[] => findOptions(from, 'ia-na');
export const iaTa = (from: HasOptions): OptionOf<'ia-ta'>[] => findOptions(from, 'ia-ta');
export const iaPd = (from: HasOptions): OptionOf<'ia-pd'>[] => findOptions(from, 'ia-pd');
export const iaAddresses = (ia: HasOptions): OptionOf<'iaaddr'>[] => findOptions(ia, 'iaaddr');
export const iaPrefixes = (ia: HasOptions): OptionOf<'iaprefix'>[] => findOptions(ia, 'iaprefix');
/** The option codes the client asked for (§21.7), empty when it sent no ORO. */
export const oro = (from: HasOptions): readonly number[] => findOption(from, 'oro')?.codes ?? [];
export const statusCode = (from: HasOptions): OptionOf<'status-code'> | undefined => findOption(from, 'status-code');
export const rapidCommit = (from: HasOptions): boolean => findOption(from, 'rapid-commit') !== undefined;

/**
 * The client's message inside a chain of Relay-forward messages (§9, §19), with the relays from
 * the outermost in; undefined when a relay carries no Relay Message option.
 */
export function unwrapRelays(msg: Dhcp6Message): { readonly message: Dhcp6ClientServerMessage; readonly relays: readonly Dhcp6Message[] } | undefined {
  const relays: Dhcp6Message[] = [];
  let current = msg;
  while (isRelay(current)) {
    relays.push(current);
    const inner = findOption(current, 'relay-message');
    if (inner === undefined) return undefined;
    current = inner.message;
  }
  return { message: current, relays };
}
