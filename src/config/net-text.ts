// Reading already-validated address text back as values for the cross-field rules. The schema
// has refused anything these would reject, so undefined here only guards against misuse.
import { parseAddress } from '../net/address.ts';
import { parsePrefix, type Prefix } from '../net/prefix.ts';

export function addressValue(text: string): bigint | undefined {
  const r = parseAddress(text);
  return r.ok ? r.value.value : undefined;
}

/** A prefix, or the on-link prefix of an interface address (`2001:db8::1/64` → `2001:db8::/64`). */
export function prefixValue(text: string): Prefix | undefined {
  const r = parsePrefix(text, { strict: false });
  return r.ok ? r.value : undefined;
}
