// Domain names in DHCPv6 options: RFC 1035 §3.1 wire form, uncompressed (RFC 8415 §10), as used
// by the Domain Search List option (RFC 3646 §4). Names are dotted text without the trailing dot;
// the root is ".". Only bytes that survive the round trip to text are accepted: printable ASCII
// other than "." and whitespace, so parse → serialize reproduces the packet byte for byte.
import { err, ok, problem, type Problem, type Result } from '../../lib/result.ts';

const MAX_LABEL = 63;
const MAX_NAME = 255;

function labelByteOk(b: number): boolean {
  return b > 0x20 && b < 0x7f && b !== 0x2e;
}

/** Decodes the sequence of names filling `bytes[start, end)`; offsets in problems are absolute. */
export function decodeDomainList(bytes: Uint8Array, start: number, end: number): Result<string[]> {
  const names: string[] = [];
  let at = start;
  while (at < end) {
    const nameStart = at;
    const labels: string[] = [];
    for (;;) {
      if (at >= end) {
        return err(problem('bad-domain-name', 'a domain name runs past the end of its option', { offset: nameStart }));
      }
      const len = bytes[at]!;
      if (len === 0) {
        at += 1;
        break;
      }
      // 0b11 would be a compression pointer, which RFC 8415 §10 forbids; 0b01/0b10 are unassigned.
      if (len > MAX_LABEL) {
        return err(problem('bad-domain-name', `label length ${len} is over ${MAX_LABEL} (compression is not allowed in DHCPv6)`, { offset: at }));
      }
      if (at + 1 + len > end) {
        return err(problem('bad-domain-name', 'a domain name label runs past the end of its option', { offset: at }));
      }
      for (let i = at + 1; i <= at + len; i++) {
        if (!labelByteOk(bytes[i]!)) {
          return err(problem('bad-domain-name', `byte 0x${bytes[i]!.toString(16)} in a domain name label is not printable ASCII`, { offset: i }));
        }
      }
      labels.push(String.fromCharCode(...bytes.subarray(at + 1, at + 1 + len)));
      at += 1 + len;
    }
    if (at - nameStart > MAX_NAME) {
      return err(problem('bad-domain-name', `a domain name is ${at - nameStart} octets long, over ${MAX_NAME}`, { offset: nameStart }));
    }
    names.push(labels.length === 0 ? '.' : labels.join('.'));
  }
  return ok(names);
}

/** Encodes names; a trailing dot is accepted and means the same name. */
export function encodeDomainList(names: readonly string[], path: string): Result<Uint8Array> {
  const parts: number[] = [];
  for (const [i, name] of names.entries()) {
    const bad = encodeName(name, parts, `${path}[${i}]`);
    if (bad) return err(bad);
  }
  return ok(Uint8Array.from(parts));
}

function encodeName(name: string, out: number[], path: string): Problem | undefined {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const labels = trimmed === '' ? [] : trimmed.split('.');
  if (name === '') return problem('bad-domain-name', 'a domain name is empty; write "." for the root', { path });
  let length = 1;
  for (const label of labels) {
    if (label.length < 1 || label.length > MAX_LABEL) {
      return problem('bad-domain-name', `"${name}" has a label that is empty or longer than ${MAX_LABEL} characters`, { path });
    }
    for (let i = 0; i < label.length; i++) {
      if (!labelByteOk(label.charCodeAt(i))) {
        return problem('bad-domain-name', `"${name}" contains a character other than printable ASCII`, { path });
      }
    }
    length += 1 + label.length;
  }
  if (length > MAX_NAME) return problem('bad-domain-name', `"${name}" is ${length} octets on the wire, over ${MAX_NAME}`, { path });
  for (const label of labels) {
    out.push(label.length);
    for (let i = 0; i < label.length; i++) out.push(label.charCodeAt(i));
  }
  out.push(0);
  return undefined;
}
