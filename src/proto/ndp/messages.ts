// Neighbor Discovery messages (RFC 4861 §4.1–§4.5): the ICMPv6 body from the type byte on.
// parseNdp accepts what receivers must accept (reserved bits, unknown options) and rejects only
// framing a receiver must discard; semantic receive checks live in validate.ts.
import { addressBytes, formatAddressBytes } from '../../net/address.ts';
import { NEXT_HEADER_ICMPV6, pseudoHeaderChecksum } from '../checksum.ts';
import { err, ok, problem } from '../../lib/result.ts';
import type { Problem, Result } from '../../lib/result.ts';
import { isUint, packFields, preferenceBits, preferenceFromBits } from './fields.ts';
import type { Field } from './fields.ts';
import { parseOptions } from './options-parse.ts';
import { serializeOptions } from './options-serialize.ts';
import { ICMPV6_TYPE } from './types.ts';
import type { NdpMessage, NdpOption } from './types.ts';

/** RFC 4861 §6.1.1, §6.1.2, §7.1.1, §7.1.2, §8.1: the ICMP length below which a message is dropped. */
export const MINIMUM_LENGTH = { rs: 8, ra: 16, ns: 24, na: 24, redirect: 40 } as const;

/** The largest ICMPv6 body an IPv6 packet without a jumbogram can carry (RFC 8200 §3). */
export const MAXIMUM_LENGTH = 65535;

const TYPE_NAMES = new Map<number, NdpMessage['type']>(
  Object.entries(ICMPV6_TYPE).map(([name, code]) => [code, name as NdpMessage['type']]),
);

const fail = (code: string, message: string, offset: number): { ok: false; error: Problem } =>
  err(problem(code, message, { offset }));

/** Parses an ND message. Never throws; a failure names the byte offset and the reason. */
export function parseNdp(bytes: Uint8Array): Result<NdpMessage> {
  if (bytes.length < 4) return fail('too-short', `${bytes.length} bytes cannot hold an ICMPv6 header`, 0);
  if (bytes.length > MAXIMUM_LENGTH) return fail('too-long', `${bytes.length} bytes exceed the IPv6 payload limit`, 0);
  const type = TYPE_NAMES.get(bytes[0]!);
  if (type === undefined) return fail('not-ndp', `ICMPv6 type ${bytes[0]} is not a Neighbor Discovery message`, 0);
  const minimum = MINIMUM_LENGTH[type];
  if (bytes.length < minimum) {
    return fail('too-short', `a ${type.toUpperCase()} needs at least ${minimum} bytes, got ${bytes.length}`, bytes.length);
  }
  const options = parseOptions(bytes, minimum);
  if (!options.ok) return options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = bytes[1]!;
  // Fields common to every message; `code` and reserved words appear only when non-zero.
  const common = { ...(code === 0 ? {} : { code }), options: options.value };
  const reservedWord = view.getUint32(4);
  const reserved = reservedWord === 0 ? {} : { reserved: reservedWord };
  switch (type) {
    case 'rs':
      return ok({ type, ...reserved, ...common });
    case 'ra':
      return ok({ type, ...parseRaHeader(bytes, view), ...common });
    case 'ns':
      return ok({ type, target: formatAddressBytes(bytes, 8), ...reserved, ...common });
    case 'na': {
      // RFC 4861 §4.4: R, S, O, then 29 reserved bits.
      const rest = reservedWord & 0x1fffffff;
      return ok({
        type,
        router: (bytes[4]! & 0x80) !== 0,
        solicited: (bytes[4]! & 0x40) !== 0,
        override: (bytes[4]! & 0x20) !== 0,
        ...(rest === 0 ? {} : { reserved: rest }),
        target: formatAddressBytes(bytes, 8),
        ...common,
      });
    }
    case 'redirect':
      return ok({
        type,
        target: formatAddressBytes(bytes, 8),
        destination: formatAddressBytes(bytes, 24),
        ...reserved,
        ...common,
      });
  }
}

function parseRaHeader(bytes: Uint8Array, view: DataView) {
  // RFC 4861 §4.2 M and O, RFC 3775 §7.1 H, RFC 4191 §2.2 Prf, RFC 4389 §4.1.3.3 P.
  const flags = bytes[5]!;
  const reservedFlags = flags & 0x03;
  return {
    curHopLimit: bytes[4]!,
    managed: (flags & 0x80) !== 0,
    other: (flags & 0x40) !== 0,
    homeAgent: (flags & 0x20) !== 0,
    routerPreference: preferenceFromBits(flags >> 3),
    proxy: (flags & 0x04) !== 0,
    ...(reservedFlags === 0 ? {} : { reservedFlags }),
    routerLifetime: view.getUint16(6),
    reachableTime: view.getUint32(8),
    retransTimer: view.getUint32(12),
  };
}

export interface ChecksumAddresses {
  /** IPv6 source address text. */
  readonly source: string;
  /** IPv6 destination address text. */
  readonly destination: string;
}

const refuse = (path: string, message: string): { ok: false; error: Problem } =>
  err(problem('invalid-value', message, { path }));

/**
 * The wire form of `msg`. With `addresses`, the ICMPv6 checksum is filled (RFC 4443 §2.3);
 * without, it is left 0 for the kernel to fill on a raw ICMPv6 socket (RFC 3542 §3.1).
 */
export function serializeNdp(msg: NdpMessage, addresses?: ChecksumAddresses): Result<Uint8Array> {
  const header = serializeHeader(msg);
  if (!header.ok) return header;
  const options = serializeOptions(msg.options as readonly NdpOption[], 'options');
  if (!options.ok) return options;
  const out = new Uint8Array(header.value.length + options.value.length);
  if (out.length > MAXIMUM_LENGTH) return refuse('options', `the message would be ${out.length} bytes, over ${MAXIMUM_LENGTH}`);
  out.set(header.value);
  out.set(options.value, header.value.length);
  if (addresses !== undefined) {
    const source = addressBytes(addresses.source);
    const destination = addressBytes(addresses.destination);
    if (source === undefined) return refuse('source', `"${addresses.source}" is not an IPv6 address`);
    if (destination === undefined) return refuse('destination', `"${addresses.destination}" is not an IPv6 address`);
    const sum = pseudoHeaderChecksum(source, destination, NEXT_HEADER_ICMPV6, out);
    new DataView(out.buffer).setUint16(2, sum);
  }
  return ok(out);
}

/** True when the ICMPv6 checksum in `bytes` is right for these addresses (RFC 4443 §2.3). */
export function verifyChecksum(bytes: Uint8Array, source: string, destination: string): boolean {
  const s = addressBytes(source);
  const d = addressBytes(destination);
  if (s === undefined || d === undefined || bytes.length < 4) return false;
  return pseudoHeaderChecksum(s, d, NEXT_HEADER_ICMPV6, bytes) === 0;
}

function writeAddress(out: Uint8Array, text: string, at: number, path: string): Result<Uint8Array> {
  const bytes = addressBytes(text);
  if (bytes === undefined) return refuse(path, `"${text}" is not an IPv6 address`);
  out.set(bytes, at);
  return ok(out);
}

function bit(on: boolean, value: number): number {
  return on ? value : 0;
}

/** The fixed part of each message, checksum zero. */
function serializeHeader(msg: NdpMessage): Result<Uint8Array> {
  const length = MINIMUM_LENGTH[msg.type];
  const start: Field[] = [
    ['type', ICMPV6_TYPE[msg.type], 8, 0],
    ['code', msg.code ?? 0, 8, 1],
  ];
  switch (msg.type) {
    case 'rs':
      return packFields(length, [...start, ['reserved', msg.reserved ?? 0, 32, 4]]);
    case 'ra': {
      const prf = preferenceBits(msg.routerPreference);
      if (prf < 0) return refuse('routerPreference', `"${String(msg.routerPreference)}" is not low, medium, high or reserved`);
      const reservedFlags = msg.reservedFlags ?? 0;
      if (!isUint(reservedFlags, 2)) return refuse('reservedFlags', `reservedFlags ${reservedFlags} does not fit in 2 bits`);
      const flags =
        bit(msg.managed, 0x80) | bit(msg.other, 0x40) | bit(msg.homeAgent, 0x20) | (prf << 3) | bit(msg.proxy, 0x04) | reservedFlags;
      return packFields(length, [
        ...start,
        ['curHopLimit', msg.curHopLimit, 8, 4],
        ['flags', flags, 8, 5],
        ['routerLifetime', msg.routerLifetime, 16, 6],
        ['reachableTime', msg.reachableTime, 32, 8],
        ['retransTimer', msg.retransTimer, 32, 12],
      ]);
    }
    case 'ns': {
      const out = packFields(length, [...start, ['reserved', msg.reserved ?? 0, 32, 4]]);
      return out.ok ? writeAddress(out.value, msg.target, 8, 'target') : out;
    }
    case 'na': {
      const reserved = msg.reserved ?? 0;
      if (!isUint(reserved, 29)) return refuse('reserved', `reserved ${reserved} does not fit in 29 bits`);
      const flags = bit(msg.router, 0x80000000) | bit(msg.solicited, 0x40000000) | bit(msg.override, 0x20000000);
      const out = packFields(length, [...start, ['flags', (flags | reserved) >>> 0, 32, 4]]);
      return out.ok ? writeAddress(out.value, msg.target, 8, 'target') : out;
    }
    case 'redirect': {
      const out = packFields(length, [...start, ['reserved', msg.reserved ?? 0, 32, 4]]);
      if (!out.ok) return out;
      const target = writeAddress(out.value, msg.target, 8, 'target');
      return target.ok ? writeAddress(target.value, msg.destination, 24, 'destination') : target;
    }
  }
}
