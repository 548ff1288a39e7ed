// The store's error values and the one place SQLite exceptions become them.
import type { Problem } from '../lib/result.ts';

export type StoreErrorCode =
  | 'conflict'
  | 'not-found'
  | 'invalid'
  | 'symlink'
  | 'locked'
  | 'pending-confirm'
  | 'expired'
  | 'newer-schema'
  | 'io';

export interface StoreError extends Problem {
  readonly code: StoreErrorCode;
  /** For `invalid`: every problem the validator found, each with its own path. */
  readonly problems?: readonly Problem[];
}

export function storeError(code: StoreErrorCode, message: string, problems?: readonly Problem[]): StoreError {
  return problems === undefined ? { code, message } : { code, message, problems };
}

// SQLite result codes (https://sqlite.org/rescode.html); the low byte is the primary code.
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CONSTRAINT = 19;

interface SqliteException {
  readonly errcode?: unknown;
}

/** True when another connection held the database past busy_timeout. */
export function isBusy(e: unknown): boolean {
  const primary = primaryCode(e);
  return primary === SQLITE_BUSY || primary === SQLITE_LOCKED;
}

function primaryCode(e: unknown): number | undefined {
  const code = (e as SqliteException | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

/** True when a write broke a UNIQUE, CHECK or foreign-key rule of the schema. */
export function isConstraint(e: unknown): boolean {
  return primaryCode(e) === SQLITE_CONSTRAINT;
}

/** Converts an exception thrown by node:sqlite or the file system into an error value. */
export function fromException(e: unknown, doing: string): StoreError {
  const detail = e instanceof Error ? e.message : String(e);
  if (isBusy(e)) {
    return storeError(
      'locked',
      `Could not ${doing}: another process is holding the state database (${detail}); retry, or stop the other v6edge process.`,
    );
  }
  return storeError('io', `Could not ${doing}: ${detail}.`);
}
