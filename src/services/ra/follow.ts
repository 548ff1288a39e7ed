// Keeps the RA service's view of its interface current: one read at start, a re-read whenever
// the source's watch reports a change, and a slow resync timer as a safety net for anything the
// watch missed (events between its start and the first read, a monitor being restarted). Reads
// never overlap: a change reported during a read marks the view dirty and one more read follows.
import { problem, type Problem } from '../../lib/result.ts';
import type { FactsSource, InterfaceFacts } from './facts.ts';
import type { InterfaceWatch } from './monitor.ts';

export interface FactsFollowerOptions {
  readonly source: FactsSource;
  /** Re-read this often even without events; default 60 000 ms. */
  readonly resyncMs?: number;
  /** Called after a read that found different facts; `facts` is already current then. */
  readonly onChange: (facts: InterfaceFacts) => void;
}

const sameFacts = (a: InterfaceFacts, b: InterfaceFacts): boolean => JSON.stringify(a) === JSON.stringify(b);

export class FactsFollower {
  readonly #o: FactsFollowerOptions;
  #facts: InterfaceFacts = { linkLocalAddresses: [], globalPrefixes: [], globalAddresses: [] };
  #watch: InterfaceWatch | undefined;
  #resync: NodeJS.Timeout | undefined;
  #reading = false;
  #dirty = false;
  #closed = false;
  #readError: string | undefined;

  private constructor(options: FactsFollowerOptions) {
    this.#o = options;
  }

  /** Starts watching, then reads the facts once; throws (watch closed) when that first read fails. */
  static async start(options: FactsFollowerOptions): Promise<FactsFollower> {
    const f = new FactsFollower(options);
    // Watch first, so a change during the first read is not lost: it marks the view dirty.
    f.#watch = options.source.watch?.(() => f.refresh());
    f.#reading = true;
    try {
      f.#facts = await options.source();
    } catch (e) {
      await f.close();
      throw e;
    } finally {
      f.#reading = false;
    }
    f.#scheduleResync();
    if (f.#dirty) f.refresh();
    return f;
  }

  get facts(): InterfaceFacts {
    return this.#facts;
  }

  get problems(): readonly Problem[] {
    if (this.#readError === undefined) return [];
    return [problem('facts-unreadable', `The interface could not be read (${this.#readError}); RAs keep using what was last read.`)];
  }

  /** Re-reads now, or right after the read in flight. */
  refresh(): void {
    if (this.#closed) return;
    if (this.#reading) {
      this.#dirty = true;
      return;
    }
    this.#reading = true;
    this.#dirty = false;
    void this.#o.source().then(
      (facts) => this.#done(facts),
      (e: unknown) => this.#done(undefined, e instanceof Error ? e.message : String(e)),
    );
  }

  /** Stops the watch (killing its monitor) and the resync timer. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#resync !== undefined) clearTimeout(this.#resync);
    this.#resync = undefined;
    const w = this.#watch;
    this.#watch = undefined;
    await w?.close();
  }

  #done(facts: InterfaceFacts | undefined, error?: string): void {
    this.#reading = false;
    if (this.#closed) return;
    this.#readError = error;
    if (facts !== undefined) {
      const changed = !sameFacts(facts, this.#facts);
      this.#facts = facts;
      if (changed) this.#o.onChange(facts);
    }
    if (this.#dirty) this.refresh();
  }

  #scheduleResync(): void {
    this.#resync = setTimeout(() => {
      this.refresh();
      if (!this.#closed) this.#scheduleResync();
    }, this.#o.resyncMs ?? 60_000);
  }
}
