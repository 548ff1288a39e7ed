// Value types shared by every section of the config: addresses, prefixes, lifetimes, names.
// Each failure carries a stable code in `params.code` that validate.ts turns into a Problem.
import { z } from 'zod';
import { parseAddress } from '../net/address.ts';
import { isLinkLocalUnicast, isMulticast } from '../net/kind.ts';
import { parseInterfaceAddress, parsePrefix } from '../net/prefix.ts';

function fail(ctx: z.core.ParsePayload<string>, code: string, message: string): void {
  ctx.issues.push({ code: 'custom', message, input: ctx.value, params: { code } });
}

/** Capitalised and full-stopped: src/net words its problems as clauses. */
function sentence(text: string): string {
  const s = text.charAt(0).toUpperCase() + text.slice(1);
  return s.endsWith('.') ? s : `${s}.`;
}

/**
 * An address without a zone: the interface is always known from where the address sits in the
 * config, so a zone could only disagree with it.
 */
function checkAddress(ctx: z.core.ParsePayload<string>): bigint | undefined {
  const r = parseAddress(ctx.value);
  if (!r.ok) {
    fail(ctx, 'not-ipv6', sentence(r.error.message));
    return undefined;
  }
  if (r.value.zone !== undefined) {
    fail(ctx, 'zone-not-allowed', `Write ${ctx.value} without its %zone; the interface comes from where it is configured.`);
    return undefined;
  }
  return r.value.value;
}

/** A unicast address (next hops, DNS servers, pool bounds). */
export const unicastAddress = z.string().check((ctx) => {
  const v = checkAddress(ctx);
  if (v !== undefined && isMulticast(v)) fail(ctx, 'multicast', `${ctx.value} is a multicast address; a unicast address is needed here.`);
});

/** fe80::/10 (RFC 4291 §2.5.6): RA sources and radvd `clients` are link-local (RFC 4861 §6.1.2). */
export const linkLocalAddress = z.string().check((ctx) => {
  const v = checkAddress(ctx);
  if (v !== undefined && !isLinkLocalUnicast(v)) fail(ctx, 'not-link-local', `${ctx.value} is not a link-local (fe80::/10) address.`);
});

/** A prefix with no bits set past its length, e.g. 2001:db8:1::/64. */
export function ipv6Prefix(opts: { readonly lengths?: readonly number[] } = {}) {
  return z.string().check((ctx) => {
    const r = parsePrefix(ctx.value);
    if (!r.ok) {
      fail(ctx, r.error.code === 'host-bits-set' ? 'host-bits' : 'not-prefix', sentence(r.error.message));
    } else if (opts.lengths !== undefined && !opts.lengths.includes(r.value.length)) {
      fail(ctx, 'bad-prefix-length', `${ctx.value} must be one of /${opts.lengths.join(', /')}.`);
    }
  });
}

/** An interface address with its on-link prefix length, e.g. 2001:db8:1::1/64. */
export const interfaceAddress = z.string().check((ctx) => {
  const r = parseInterfaceAddress(ctx.value);
  if (!r.ok) fail(ctx, 'not-interface-address', sentence(r.error.message));
  else if (r.value.address.zone !== undefined) fail(ctx, 'zone-not-allowed', `Write ${ctx.value} without its %zone.`);
  else if (isMulticast(r.value.address)) fail(ctx, 'multicast', `${ctx.value} is multicast; an interface address must be unicast.`);
});

export const INFINITY = 'infinity';

/**
 * A 32-bit lifetime in seconds or `infinity`; the wire value 0xffffffff means infinity
 * (RFC 4861 §4.6.2, RFC 8415 §7.7), so the largest finite value is one less.
 */
export const lifetime = z.union([z.number().int().min(0).max(0xfffffffe), z.literal(INFINITY)], {
  error: 'Expected a whole number of seconds (0–4294967294) or "infinity".',
});
export type Lifetime = z.infer<typeof lifetime>;

/** Lifetimes compare with infinity above every number. */
export function lifetimeSeconds(l: Lifetime): number {
  return l === INFINITY ? Infinity : l;
}

export function wholeSeconds(min: number, max: number) {
  return z.number().int().min(min).max(max);
}

/**
 * Linux interface names: 1–15 bytes (IFNAMSIZ 16 with the NUL), no '/', ':' or whitespace,
 * not '.' or '..' (the kernel's dev_valid_name()).
 */
export const interfaceName = z.string().check((ctx) => {
  const v = ctx.value;
  if (v.length === 0 || v.length > 15 || v === '.' || v === '..' || /[/:\s]/.test(v)) {
    fail(ctx, 'bad-name', `"${v}" is not a valid Linux interface name (1–15 characters, no "/", ":" or spaces).`);
  }
});

/** Host and network names: a DNS label (RFC 1123 §2.1), since they end up in DNS and nft set names. */
export const labelName = z.string().check((ctx) => {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(ctx.value)) {
    fail(ctx, 'bad-name', `"${ctx.value}" is not a valid name (letters, digits and inner hyphens, at most 63).`);
  }
});

/** A domain name for DNSSL / domain search (RFC 1035 §2.3.4: labels ≤ 63, name ≤ 253). */
export const domainName = z.string().check((ctx) => {
  const v = ctx.value.endsWith('.') ? ctx.value.slice(0, -1) : ctx.value;
  const labels = v.split('.');
  const okLabels = labels.every((l) => /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/.test(l));
  if (v.length === 0 || v.length > 253 || !okLabels) {
    fail(ctx, 'bad-domain', `"${ctx.value}" is not a valid domain name.`);
  }
});

/**
 * A DUID as hex, optionally with ':' between octets. RFC 8415 §11.1: a 2-octet type plus at
 * most 128 octets; at least one octet after the type.
 */
export const duidHex = z.string().check((ctx) => {
  const hex = ctx.value.replaceAll(':', '');
  if (!/^([0-9A-Fa-f]{2})+$/.test(hex) || !/^[0-9A-Fa-f]{2}(:?[0-9A-Fa-f]{2})*$/.test(ctx.value)) {
    fail(ctx, 'bad-duid', `"${ctx.value}" is not a DUID in hex, such as 00:03:00:01:02:00:5e:10:00:01.`);
  } else if (hex.length / 2 < 3 || hex.length / 2 > 130) {
    fail(ctx, 'bad-duid', `A DUID is a 2-octet type and 1–128 octets (RFC 8415 §11.1); this one has ${hex.length / 2} octets.`);
  }
});

export const preference = z.enum(['low', 'medium', 'high']);
