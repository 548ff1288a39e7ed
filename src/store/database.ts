// Opening the state database safely, and the one way the store writes: a transaction that
// commits on success and leaves nothing behind on failure.
import { DatabaseSync } from 'node:sqlite';
import { chmodSync, closeSync, constants, lstatSync, mkdirSync, openSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { err, ok, type Result } from '../lib/result.ts';
import { fromException, storeError, type StoreError } from './errors.ts';

export const DEFAULT_STATE_PATH = '/var/lib/v6edge/state.db';
/** How long a writer waits for another connection (the offline CLI, a second daemon) to finish. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

// SQLite keeps these beside the database; a symlink planted at any of them would make the store
// write through it (radvd CVE-2011-3602 followed a symlinked file in the same way).
const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function refuseSymlinks(path: string): StoreError | undefined {
  for (const suffix of SIDE_FILES) {
    const file = path + suffix;
    const st = lstatOrUndefined(file);
    if (st?.isSymbolicLink()) {
      return storeError(
        'symlink',
        `Refusing to open the state database: ${file} is a symbolic link; remove it and give the real file's path.`,
      );
    }
  }
  const main = lstatOrUndefined(path);
  if (main !== undefined && !main.isFile()) {
    return storeError('invalid', `Refusing to open the state database: ${path} is not a regular file.`);
  }
  return undefined;
}

/**
 * Creates the directory (0700) and an empty database file (0600) when missing, so SQLite never
 * creates either with the process umask. O_NOFOLLOW and O_EXCL make the creation itself refuse a
 * symlink that appears between the check and the open.
 */
function createPrivately(path: string): void {
  const dir = dirname(path);
  if (lstatOrUndefined(dir) === undefined) mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    closeSync(fd);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  // The database holds client DUIDs and addresses: owner-only, whatever mode it was left with.
  const st = lstatSync(path);
  if ((st.mode & 0o077) !== 0) chmodSync(path, 0o600);
}

export interface OpenDatabaseOptions {
  readonly path: string;
  readonly busyTimeoutMs?: number;
}

/** Opens (creating if needed) the database in WAL mode with synchronous=FULL. */
export function openDatabase(options: OpenDatabaseOptions): Result<DatabaseSync, StoreError> {
  const { path } = options;
  let db: DatabaseSync | undefined;
  try {
    const refused = refuseSymlinks(path);
    if (refused !== undefined) return err(refused);
    createPrivately(path);
    db = new DatabaseSync(path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    // WAL lets the offline CLI read while the daemon writes. synchronous=FULL syncs the WAL at
    // every commit: a revision or a lease acknowledged to a DHCPv6 client survives power loss,
    // which NORMAL (the usual WAL pairing) does not promise.
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    // SQLite created -wal and -shm just now if they were missing; check what it opened.
    const late = refuseSymlinks(path);
    if (late !== undefined) {
      db.close();
      return err(late);
    }
    return ok(db);
  } catch (e) {
    if (db?.isOpen) db.close();
    return err(fromException(e, `open the state database ${path}`));
  }
}

/**
 * Runs `body` inside BEGIN IMMEDIATE … COMMIT. The write lock is taken up front so two
 * connections never deadlock upgrading a read; busy_timeout makes the second one wait.
 * An error value or an exception from `body` rolls everything back.
 */
export function writeTransaction<T>(
  db: DatabaseSync,
  doing: string,
  body: () => Result<T, StoreError>,
): Result<T, StoreError> {
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (e) {
    return err(fromException(e, doing));
  }
  try {
    const result = body();
    if (result.ok) db.exec('COMMIT');
    else db.exec('ROLLBACK');
    return result;
  } catch (e) {
    if (db.isTransaction) db.exec('ROLLBACK');
    return err(fromException(e, doing));
  }
}
