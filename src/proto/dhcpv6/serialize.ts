// DHCPv6 message → bytes (RFC 8415 §8, §9, §21). Refuses any value the wire cannot carry or the
// parser would reject, naming the field by its path (e.g. `options[1].options[0].prefixLength`),
// so whatever serializes parses back to the same value.
import { addressBytes } from '../../net/address.ts';
import { err, ok, problem, type Problem, type Result } from '../../lib/result.ts';
import { HOP_COUNT_LIMIT, MAX_MESSAGE_LENGTH, MESSAGE_TYPES, OPTION_CODES, optionKind } from './constants.ts';
import { encodeDomainList } from './domain-names.ts';
import { checkUint, encodeDuid } from './duid.ts';
import { MAX_OPTION_NESTING } from './parse.ts';
import { isRelay, type Dhcp6ClientServerMessage, type Dhcp6Message, type Dhcp6Option, type Dhcp6RelayMessage } from './types.ts';

const utf8 = new TextEncoder();

/** Encodes a message as the UDP payload to send. */
export function serializeDhcp6(msg: Dhcp6Message): Result<Uint8Array> {
  const bytes = encodeMessage(msg, '', 0);
  if (!bytes.ok) return bytes;
  // Many IAs must not overflow the datagram (odhcpd CVE-2026-53921 overflowed its reply buffer).
  if (bytes.value.length > MAX_MESSAGE_LENGTH) {
    return err(problem('message-too-long', `the message is ${bytes.value.length} octets, over the ${MAX_MESSAGE_LENGTH} a UDP datagram carries`, { path: 'options' }));
  }
  return bytes;
}

function join(prefix: string, field: string): string {
  return prefix === '' ? field : `${prefix}.${field}`;
}

function encodeMessage(msg: Dhcp6Message, path: string, depth: number): Result<Uint8Array> {
  const code = (MESSAGE_TYPES as Record<string, number>)[msg.type];
  if (code === undefined) return err(problem('unknown-message-type', `"${String(msg.type)}" is not a DHCPv6 message type`, { path: join(path, 'type') }));
  return isRelay(msg) ? encodeRelay(msg, code, path, depth) : encodeClientServer(msg, code, path, depth);
}

/** §9: msg-type, hop-count, link-address, peer-address, options. */
function encodeRelay(msg: Dhcp6RelayMessage, code: number, path: string, depth: number): Result<Uint8Array> {
  if (depth >= HOP_COUNT_LIMIT) {
    return err(problem('relay-too-deep', `relay messages nest more than ${HOP_COUNT_LIMIT} deep (HOP_COUNT_LIMIT)`, { path: join(path, 'type') }));
  }
  const bad = checkUint(msg.hopCount, 8, join(path, 'hopCount'));
  if (bad) return err(bad);
  const link = address(msg.linkAddress, join(path, 'linkAddress'));
  if (!link.ok) return link;
  const peer = address(msg.peerAddress, join(path, 'peerAddress'));
  if (!peer.ok) return peer;
  const options = encodeOptions(msg.options, join(path, 'options'), depth, 0);
  if (!options.ok) return options;
  return ok(concat([Uint8Array.of(code, msg.hopCount), link.value, peer.value, options.value]));
}

/** §8: msg-type, transaction-id (24 bits), options. */
function encodeClientServer(msg: Dhcp6ClientServerMessage, code: number, path: string, depth: number): Result<Uint8Array> {
  const bad = checkUint(msg.transactionId, 24, join(path, 'transactionId'));
  if (bad) return err(bad);
  const options = encodeOptions(msg.options, join(path, 'options'), depth, 0);
  if (!options.ok) return options;
  const id = msg.transactionId;
  return ok(concat([Uint8Array.of(code, id >>> 16, (id >>> 8) & 0xff, id & 0xff), options.value]));
}

function encodeOptions(options: readonly Dhcp6Option[], path: string, depth: number, nesting: number): Result<Uint8Array> {
  if (nesting > MAX_OPTION_NESTING) {
    return err(problem('options-too-deep', `options are encapsulated more than ${MAX_OPTION_NESTING} deep`, { path }));
  }
  const parts: Uint8Array[] = [];
  for (const [i, option] of options.entries()) {
    const at = `${path}[${i}]`;
    const data = encodeOptionData(option, at, depth, nesting);
    if (!data.ok) return data;
    const code = option.kind === 'raw' ? option.code : OPTION_CODES[option.kind];
    if (data.value.length > 0xffff) {
      return err(problem('option-too-long', `option data is ${data.value.length} octets, over the 65535 its length field holds`, { path: at }));
    }
    parts.push(Uint8Array.of(code >>> 8, code & 0xff, data.value.length >>> 8, data.value.length & 0xff), data.value);
  }
  return ok(concat(parts));
}

function encodeOptionData(o: Dhcp6Option, path: string, depth: number, nesting: number): Result<Uint8Array> {
  const inner = (options: readonly Dhcp6Option[]) => encodeOptions(options, join(path, 'options'), depth, nesting + 1);
  switch (o.kind) {
    case 'client-id':
    case 'server-id':
      return encodeDuid(o.duid, join(path, 'duid'));
    case 'ia-na':
    case 'ia-pd':
      return withFields(path, [['iaid', o.iaid, 32], ['t1', o.t1, 32], ['t2', o.t2, 32]], inner(o.options));
    case 'ia-ta':
      return withFields(path, [['iaid', o.iaid, 32]], inner(o.options));
    case 'iaaddr': {
      const addr = address(o.address, join(path, 'address'));
      if (!addr.ok) return addr;
      const rest = withFields(path, [['preferredLifetime', o.preferredLifetime, 32], ['validLifetime', o.validLifetime, 32]], inner(o.options));
      return rest.ok ? ok(concat([addr.value, rest.value])) : rest;
    }
    case 'iaprefix': {
      if (!Number.isInteger(o.prefixLength) || o.prefixLength < 0 || o.prefixLength > 128) {
        return err(problem('bad-prefix-length', `prefix length ${o.prefixLength} is not an integer from 0 to 128`, { path: join(path, 'prefixLength') }));
      }
      const prefix = address(o.prefix, join(path, 'prefix'));
      if (!prefix.ok) return prefix;
      const options = inner(o.options);
      if (!options.ok) return options;
      return withFields(
        path,
        [['preferredLifetime', o.preferredLifetime, 32], ['validLifetime', o.validLifetime, 32], ['prefixLength', o.prefixLength, 8]],
        ok(concat([prefix.value, options.value])),
      );
    }
    case 'oro':
      return withFields(path, o.codes.map((c, i) => [`codes[${i}]`, c, 16] as const), ok(new Uint8Array(0)));
    case 'preference':
      return withFields(path, [['value', o.value, 8]], ok(new Uint8Array(0)));
    case 'elapsed-time':
      return withFields(path, [['centiseconds', o.centiseconds, 16]], ok(new Uint8Array(0)));
    case 'relay-message':
      return encodeMessage(o.message, join(path, 'message'), depth + 1);
    case 'auth': {
      if (o.replayDetection.length !== 8) {
        return err(problem('bad-length', `replay detection is 8 octets, got ${o.replayDetection.length}`, { path: join(path, 'replayDetection') }));
      }
      return withFields(
        path,
        [['protocol', o.protocol, 8], ['algorithm', o.algorithm, 8], ['rdm', o.rdm, 8]],
        ok(concat([o.replayDetection, o.info])),
      );
    }
    case 'server-unicast':
      return address(o.address, join(path, 'address'));
    case 'status-code': {
      // JavaScript strings may hold lone surrogates, which have no UTF-8 form (§21.13 demands UTF-8).
      if (!o.message.isWellFormed()) {
        return err(problem('bad-utf8', 'the status message holds a lone surrogate and cannot be encoded as UTF-8', { path: join(path, 'message') }));
      }
      return withFields(path, [['status', o.status, 16]], ok(utf8.encode(o.message)));
    }
    case 'rapid-commit':
    case 'reconfigure-accept':
      return ok(new Uint8Array(0));
    case 'user-class':
      return opaqueList(o.classes, join(path, 'classes'));
    case 'vendor-class': {
      const classes = opaqueList(o.classes, join(path, 'classes'));
      return withFields(path, [['enterpriseNumber', o.enterpriseNumber, 32]], classes);
    }
    case 'vendor-opts': {
      const parts: Uint8Array[] = [];
      for (const [i, sub] of o.options.entries()) {
        const at = `${join(path, 'options')}[${i}]`;
        const bad = checkUint(sub.code, 16, `${at}.code`) ?? checkLength(sub.data, `${at}.data`);
        if (bad) return err(bad);
        parts.push(Uint8Array.of(sub.code >>> 8, sub.code & 0xff, sub.data.length >>> 8, sub.data.length & 0xff), sub.data);
      }
      return withFields(path, [['enterpriseNumber', o.enterpriseNumber, 32]], ok(concat(parts)));
    }
    case 'interface-id':
      return ok(Uint8Array.from(o.id));
    case 'reconfigure-message':
      return withFields(path, [['messageType', o.messageType, 8]], ok(new Uint8Array(0)));
    case 'dns-servers': {
      if (o.servers.length === 0) return err(problem('empty', 'a DNS Recursive Name Server option lists at least one address (RFC 3646 §3)', { path: join(path, 'servers') }));
      const parts: Uint8Array[] = [];
      for (const [i, s] of o.servers.entries()) {
        const a = address(s, `${join(path, 'servers')}[${i}]`);
        if (!a.ok) return a;
        parts.push(a.value);
      }
      return ok(concat(parts));
    }
    case 'domain-list':
      if (o.domains.length === 0) return err(problem('empty', 'a Domain Search List option lists at least one name (RFC 3646 §4)', { path: join(path, 'domains') }));
      return encodeDomainList(o.domains, join(path, 'domains'));
    case 'information-refresh-time':
    case 'sol-max-rt':
    case 'inf-max-rt':
      return withFields(path, [['seconds', o.seconds, 32]], ok(new Uint8Array(0)));
    case 'raw': {
      const bad = checkUint(o.code, 16, join(path, 'code'));
      if (bad) return err(bad);
      // A raw option with a typed code would parse back as the typed form: insist on that form.
      if (optionKind(o.code) !== undefined) {
        return err(problem('raw-known-code', `option ${o.code} has a typed form (${optionKind(o.code)}); use it instead of raw`, { path: join(path, 'code') }));
      }
      return ok(Uint8Array.from(o.data));
    }
  }
}

type Field = readonly [name: string, value: number, bits: 8 | 16 | 32];

/** Fixed-width big-endian fields, checked against their widths, then `tail`. */
function withFields(path: string, fields: readonly Field[], tail: Result<Uint8Array>): Result<Uint8Array> {
  if (!tail.ok) return tail;
  const size = fields.reduce((n, [, , bits]) => n + bits / 8, 0);
  const out = new Uint8Array(size + tail.value.length);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [name, value, bits] of fields) {
    const bad = checkUint(value, bits, join(path, name));
    if (bad) return err(bad);
    if (bits === 8) view.setUint8(at, value);
    else if (bits === 16) view.setUint16(at, value);
    else view.setUint32(at, value);
    at += bits / 8;
  }
  out.set(tail.value, at);
  return ok(out);
}

function opaqueList(items: readonly Uint8Array[], path: string): Result<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const [i, item] of items.entries()) {
    const bad = checkLength(item, `${path}[${i}]`);
    if (bad) return err(bad);
    parts.push(Uint8Array.of(item.length >>> 8, item.length & 0xff), item);
  }
  return ok(concat(parts));
}

function checkLength(data: Uint8Array, path: string): Problem | undefined {
  return data.length > 0xffff ? problem('option-too-long', `${data.length} octets do not fit a 16-bit length`, { path }) : undefined;
}

function address(text: string, path: string): Result<Uint8Array> {
  const bytes = addressBytes(text);
  if (bytes === undefined) return err(problem('bad-address', `"${text}" is not an IPv6 address`, { path }));
  return ok(bytes);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
