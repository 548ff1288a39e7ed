// The daemon's log: structured JSON lines on stdout (journald keeps them), the newest entries
// in a ring buffer for GET /v1/logs, and a tap the event stream listens on.
import type { LogEntryDto } from '../api/types.ts';

export type LogLevel = LogEntryDto['level'];

export const DEFAULT_LOG_RING = 2000;

export class Logger {
  readonly #ring: LogEntryDto[] = [];
  readonly #capacity: number;
  readonly #write: (line: string) => void;
  readonly #now: () => number;
  readonly #listeners = new Set<(entry: LogEntryDto) => void>();

  constructor(options: { readonly write?: (line: string) => void; readonly capacity?: number; readonly now?: () => number } = {}) {
    this.#write = options.write ?? ((line) => process.stdout.write(line));
    this.#capacity = options.capacity ?? DEFAULT_LOG_RING;
    this.#now = options.now ?? Date.now;
  }

  log(level: LogLevel, component: string, message: string, fields: Readonly<Record<string, unknown>> = {}): void {
    const entry: LogEntryDto = { at: this.#now(), level, component, message };
    this.#ring.push(entry);
    if (this.#ring.length > this.#capacity) this.#ring.shift();
    this.#write(`${JSON.stringify({ ...fields, ...entry, at: new Date(entry.at).toISOString() })}\n`);
    for (const l of this.#listeners) l(entry);
  }

  info(component: string, message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('info', component, message, fields);
  }

  warn(component: string, message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('warn', component, message, fields);
  }

  error(component: string, message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('error', component, message, fields);
  }

  /** The newest `limit` entries (oldest first), optionally of one component. */
  recent(query: { readonly limit?: number; readonly component?: string } = {}): LogEntryDto[] {
    const limit = Math.max(1, Math.min(query.limit ?? 200, this.#capacity));
    const matching = query.component === undefined ? this.#ring : this.#ring.filter((e) => e.component === query.component);
    return matching.slice(-limit);
  }

  onEntry(listener: (entry: LogEntryDto) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
