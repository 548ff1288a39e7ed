// The server's own DUID (RFC 8415 §11): made once, kept in the store's meta table, and the same
// after every restart so clients keep recognising their server.
import { randomUUID } from 'node:crypto';
import { err, ok, problem, type Problem, type Result } from '../../lib/result.ts';
import { duidFromHex, duidLlt, duidToHex, duidUuid, type Duid } from '../../proto/dhcpv6/index.ts';

export const SERVER_DUID_KEY = 'dhcpv6.serverDuid';

/** The part of the store this needs. */
export interface MetaAccess {
  getMeta(key: string): unknown;
  setMeta(key: string, value: unknown): Result<void, Problem>;
}

/**
 * A fresh DUID: DUID-LLT from a MAC address when the host has one (§11.2), else DUID-UUID
 * (RFC 6355), which needs no hardware at all.
 */
export function makeServerDuid(mac: Uint8Array | undefined, now: Date, uuid: string = randomUUID()): Duid {
  if (mac !== undefined && mac.length === 6 && mac.some((b) => b !== 0)) return duidLlt(mac, now);
  const made = duidUuid(uuid);
  if (made === undefined) throw new Error(`not a UUID: ${uuid}`);
  return made;
}

/** The stored server DUID, or a new one made by `make` and stored before it is used. */
export function loadOrCreateServerDuid(meta: MetaAccess, make: () => Duid): Result<Duid, Problem> {
  const stored = meta.getMeta(SERVER_DUID_KEY);
  if (typeof stored === 'string') {
    const duid = duidFromHex(stored);
    if (duid.ok) return duid;
    return err(problem('bad-server-duid', `The stored server DUID "${stored}" is unreadable (${duid.error.message}); delete meta key ${SERVER_DUID_KEY} to make a new one.`));
  }
  const duid = make();
  const hex = duidToHex(duid);
  if (!hex.ok) return hex;
  const saved = meta.setMeta(SERVER_DUID_KEY, hex.value);
  return saved.ok ? ok(duid) : saved;
}
