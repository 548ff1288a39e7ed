// Bytes → DHCPv6 message (RFC 8415 §8, §9, §21). Never throws: every length is checked against
// what remains of its enclosing option or message before it is read, so no arithmetic can run
// past the buffer (dnsmasq CVE-2017-14494, odhcpd's relay length). Problems carry the absolute
// byte offset of the field at fault.
import { formatAddressBytes } from '../../net/address.ts';
import { err, ok, problem, type Problem, type Result } from '../../lib/result.ts';
import { HOP_COUNT_LIMIT, MAX_MESSAGE_LENGTH, messageTypeName, OPTION_CODES as C } from './constants.ts';
import { decodeDomainList } from './domain-names.ts';
import { decodeDuid } from './duid.ts';
import type { Dhcp6Message, Dhcp6Option, VendorSubOption } from './types.ts';

/** Options nest inside IAs and addresses; legitimate messages stay far below this. */
export const MAX_OPTION_NESTING = 8;

const RELAY_HEADER = 34; // msg-type, hop-count, link-address, peer-address (§9)
const CLIENT_HEADER = 4; // msg-type, transaction-id (§8)

interface Packet {
  readonly bytes: Uint8Array;
  readonly view: DataView;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes one DHCPv6 message: the UDP payload as received. */
export function parseDhcp6(input: Uint8Array): Result<Dhcp6Message> {
  // A plain view, so slices are copies (Buffer#slice would share memory with the receive buffer).
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length > MAX_MESSAGE_LENGTH) {
    return err(problem('message-too-long', `a DHCPv6 message fits a UDP datagram (${MAX_MESSAGE_LENGTH} octets), got ${bytes.length}`, { offset: MAX_MESSAGE_LENGTH }));
  }
  const packet = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  return parseMessage(packet, 0, bytes.length, 0);
}

/** `depth` counts the messages enclosing this one through Relay Message options. */
function parseMessage(p: Packet, start: number, end: number, depth: number): Result<Dhcp6Message> {
  if (end - start < 1) return err(problem('too-short', 'a DHCPv6 message needs at least a type octet', { offset: start }));
  const code = p.bytes[start]!;
  const type = messageTypeName(code);
  if (type === undefined) return err(problem('unknown-message-type', `message type ${code} is not one this server knows`, { offset: start }));
  if (type === 'relay-forward' || type === 'relay-reply') {
    // §7.6 HOP_COUNT_LIMIT: no relay chain legitimately nests deeper (odhcpd recursed ~1700 deep).
    if (depth >= HOP_COUNT_LIMIT) {
      return err(problem('relay-too-deep', `relay messages nest more than ${HOP_COUNT_LIMIT} deep (HOP_COUNT_LIMIT)`, { offset: start }));
    }
    if (end - start < RELAY_HEADER) {
      return err(problem('too-short', `a relay message needs ${RELAY_HEADER} octets of header, got ${end - start}`, { offset: start }));
    }
    const options = parseOptions(p, start + RELAY_HEADER, end, depth, 0);
    if (!options.ok) return options;
    return ok({
      type,
      hopCount: p.bytes[start + 1]!,
      linkAddress: formatAddressBytes(p.bytes, start + 2),
      peerAddress: formatAddressBytes(p.bytes, start + 18),
      options: options.value,
    });
  }
  if (end - start < CLIENT_HEADER) {
    return err(problem('too-short', `a DHCPv6 message needs ${CLIENT_HEADER} octets of header, got ${end - start}`, { offset: start }));
  }
  const options = parseOptions(p, start + CLIENT_HEADER, end, depth, 0);
  if (!options.ok) return options;
  return ok({ type, transactionId: p.view.getUint32(start) & 0xffffff, options: options.value });
}

/** Decodes the options filling `[start, end)` exactly (§21.1). */
function parseOptions(p: Packet, start: number, end: number, depth: number, nesting: number): Result<Dhcp6Option[]> {
  if (nesting > MAX_OPTION_NESTING) {
    return err(problem('options-too-deep', `options are encapsulated more than ${MAX_OPTION_NESTING} deep`, { offset: start }));
  }
  const options: Dhcp6Option[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 4) {
      return err(problem('option-truncated', `${end - at} octets left where an option header needs 4`, { offset: at }));
    }
    const code = p.view.getUint16(at);
    const length = p.view.getUint16(at + 2);
    if (length > end - at - 4) {
      return err(problem('option-past-end', `option ${code} claims ${length} octets but only ${end - at - 4} remain`, { offset: at }));
    }
    const option = parseOption(p, code, at, at + 4, at + 4 + length, depth, nesting);
    if (!option.ok) return option;
    options.push(option.value);
    at += 4 + length;
  }
  return ok(options);
}

/** One option; `header` is where its code sits, `[start, end)` its data. */
function parseOption(
  p: Packet,
  code: number,
  header: number,
  start: number,
  end: number,
  depth: number,
  nesting: number,
): Result<Dhcp6Option> {
  const { bytes, view } = p;
  const length = end - start;
  const min = (n: number, name: string): Problem | undefined =>
    length < n ? problem('option-too-short', `${name} option needs at least ${n} octets, got ${length}`, { offset: header }) : undefined;
  const exact = (n: number, name: string): Problem | undefined =>
    length !== n ? problem('bad-length', `${name} option is ${n} octets long, got ${length}`, { offset: header }) : undefined;
  const inner = (from: number) => parseOptions(p, from, end, depth, nesting + 1);
  let bad: Problem | undefined;
  switch (code) {
    case C['client-id']:
    case C['server-id']: {
      const duid = decodeDuid(bytes, start, end);
      if (!duid.ok) return duid;
      return ok({ kind: code === C['client-id'] ? 'client-id' : 'server-id', duid: duid.value });
    }
    case C['ia-na']:
    case C['ia-pd']: {
      // §21.4, §21.21: IAID, T1, T2 (odhcpd read a short IA_NA past its end).
      const kind = code === C['ia-na'] ? 'ia-na' : 'ia-pd';
      if ((bad = min(12, kind.toUpperCase().replace('-', '_')))) return err(bad);
      const options = inner(start + 12);
      if (!options.ok) return options;
      return ok({ kind, iaid: view.getUint32(start), t1: view.getUint32(start + 4), t2: view.getUint32(start + 8), options: options.value });
    }
    case C['ia-ta']: {
      if ((bad = min(4, 'IA_TA'))) return err(bad);
      const options = inner(start + 4);
      if (!options.ok) return options;
      return ok({ kind: 'ia-ta', iaid: view.getUint32(start), options: options.value });
    }
    case C.iaaddr: {
      if ((bad = min(24, 'IAADDR'))) return err(bad);
      const options = inner(start + 24);
      if (!options.ok) return options;
      return ok({
        kind: 'iaaddr',
        address: formatAddressBytes(bytes, start),
        preferredLifetime: view.getUint32(start + 16),
        validLifetime: view.getUint32(start + 20),
        options: options.value,
      });
    }
    case C.iaprefix: {
      if ((bad = min(25, 'IAPREFIX'))) return err(bad);
      const prefixLength = bytes[start + 8]!;
      if (prefixLength > 128) {
        return err(problem('bad-prefix-length', `prefix length ${prefixLength} is over 128`, { offset: start + 8 }));
      }
      const options = inner(start + 25);
      if (!options.ok) return options;
      return ok({
        kind: 'iaprefix',
        preferredLifetime: view.getUint32(start),
        validLifetime: view.getUint32(start + 4),
        prefixLength,
        prefix: formatAddressBytes(bytes, start + 9),
        options: options.value,
      });
    }
    case C.oro: {
      if (length % 2 !== 0) return err(problem('bad-length', `Option Request option length ${length} is odd`, { offset: header }));
      const codes: number[] = [];
      for (let i = start; i < end; i += 2) codes.push(view.getUint16(i));
      return ok({ kind: 'oro', codes });
    }
    case C.preference:
      if ((bad = exact(1, 'Preference'))) return err(bad);
      return ok({ kind: 'preference', value: bytes[start]! });
    case C['elapsed-time']:
      if ((bad = exact(2, 'Elapsed Time'))) return err(bad);
      return ok({ kind: 'elapsed-time', centiseconds: view.getUint16(start) });
    case C['relay-message']: {
      if (depth + 1 > HOP_COUNT_LIMIT) {
        return err(problem('relay-too-deep', `relay messages nest more than ${HOP_COUNT_LIMIT} deep (HOP_COUNT_LIMIT)`, { offset: header }));
      }
      const message = parseMessage(p, start, end, depth + 1);
      if (!message.ok) return message;
      return ok({ kind: 'relay-message', message: message.value });
    }
    case C.auth:
      if ((bad = min(11, 'Authentication'))) return err(bad);
      return ok({
        kind: 'auth',
        protocol: bytes[start]!,
        algorithm: bytes[start + 1]!,
        rdm: bytes[start + 2]!,
        replayDetection: bytes.slice(start + 3, start + 11),
        info: bytes.slice(start + 11, end),
      });
    case C['server-unicast']:
      if ((bad = exact(16, 'Server Unicast'))) return err(bad);
      return ok({ kind: 'server-unicast', address: formatAddressBytes(bytes, start) });
    case C['status-code']: {
      if ((bad = min(2, 'Status Code'))) return err(bad);
      const message = decodeUtf8(bytes, start + 2, end);
      if (!message.ok) return message;
      return ok({ kind: 'status-code', status: view.getUint16(start), message: message.value });
    }
    case C['rapid-commit']:
      if ((bad = exact(0, 'Rapid Commit'))) return err(bad);
      return ok({ kind: 'rapid-commit' });
    case C['user-class']: {
      const classes = decodeOpaqueList(p, start, end);
      if (!classes.ok) return classes;
      return ok({ kind: 'user-class', classes: classes.value });
    }
    case C['vendor-class']: {
      if ((bad = min(4, 'Vendor Class'))) return err(bad);
      const classes = decodeOpaqueList(p, start + 4, end);
      if (!classes.ok) return classes;
      return ok({ kind: 'vendor-class', enterpriseNumber: view.getUint32(start), classes: classes.value });
    }
    case C['vendor-opts']: {
      if ((bad = min(4, 'Vendor-specific Information'))) return err(bad);
      const options = decodeVendorSubOptions(p, start + 4, end);
      if (!options.ok) return options;
      return ok({ kind: 'vendor-opts', enterpriseNumber: view.getUint32(start), options: options.value });
    }
    case C['interface-id']:
      return ok({ kind: 'interface-id', id: bytes.slice(start, end) });
    case C['reconfigure-message']:
      if ((bad = exact(1, 'Reconfigure Message'))) return err(bad);
      return ok({ kind: 'reconfigure-message', messageType: bytes[start]! });
    case C['reconfigure-accept']:
      if ((bad = exact(0, 'Reconfigure Accept'))) return err(bad);
      return ok({ kind: 'reconfigure-accept' });
    case C['dns-servers']: {
      // RFC 3646 §3: one or more 16-octet addresses.
      if (length === 0 || length % 16 !== 0) {
        return err(problem('bad-length', `DNS Recursive Name Server option length ${length} is not a positive multiple of 16`, { offset: header }));
      }
      const servers: string[] = [];
      for (let i = start; i < end; i += 16) servers.push(formatAddressBytes(bytes, i));
      return ok({ kind: 'dns-servers', servers });
    }
    case C['domain-list']: {
      if ((bad = min(1, 'Domain Search List'))) return err(bad);
      const domains = decodeDomainList(bytes, start, end);
      if (!domains.ok) return domains;
      return ok({ kind: 'domain-list', domains: domains.value });
    }
    case C['information-refresh-time']:
    case C['sol-max-rt']:
    case C['inf-max-rt']: {
      const kind = code === C['sol-max-rt'] ? 'sol-max-rt' : code === C['inf-max-rt'] ? 'inf-max-rt' : 'information-refresh-time';
      if ((bad = exact(4, kind))) return err(bad);
      return ok({ kind, seconds: view.getUint32(start) });
    }
    default:
      return ok({ kind: 'raw', code, data: bytes.slice(start, end) });
  }
}

function decodeUtf8(bytes: Uint8Array, start: number, end: number): Result<string> {
  try {
    return ok(utf8.decode(bytes.subarray(start, end)));
  } catch {
    return err(problem('bad-utf8', 'the status message is not valid UTF-8 (RFC 8415 §21.13)', { offset: start }));
  }
}

/** User Class and Vendor Class data: 2-octet length, then that many octets, repeated (§21.15). */
function decodeOpaqueList(p: Packet, start: number, end: number): Result<Uint8Array[]> {
  const items: Uint8Array[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 2) return err(problem('option-truncated', 'a class data length is cut short', { offset: at }));
    const length = p.view.getUint16(at);
    if (length > end - at - 2) {
      return err(problem('option-past-end', `class data claims ${length} octets but only ${end - at - 2} remain`, { offset: at }));
    }
    items.push(p.bytes.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return ok(items);
}

/** Vendor sub-options: code, length, data, with the same bounds as top-level options (§21.17). */
function decodeVendorSubOptions(p: Packet, start: number, end: number): Result<VendorSubOption[]> {
  const options: VendorSubOption[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 4) return err(problem('option-truncated', `${end - at} octets left where a vendor sub-option header needs 4`, { offset: at }));
    const code = p.view.getUint16(at);
    const length = p.view.getUint16(at + 2);
    if (length > end - at - 4) {
      return err(problem('option-past-end', `vendor sub-option ${code} claims ${length} octets but only ${end - at - 4} remain`, { offset: at }));
    }
    options.push({ code, data: p.bytes.slice(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return ok(options);
}
