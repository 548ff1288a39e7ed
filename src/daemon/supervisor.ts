// Ordered start and stop: each part registers how to stop as it starts; shutdown runs them in
// reverse (API first, store last), once, whatever asked for it — SIGTERM, SIGINT or a test.
import type { Logger } from './logs.ts';

interface Stopper {
  readonly name: string;
  readonly stop: () => Promise<void> | void;
}

export class Supervisor {
  readonly #log: Logger;
  readonly #stops: Stopper[] = [];
  #stopping: Promise<void> | undefined;
  #signals: Array<[NodeJS.Signals, () => void]> = [];

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Registers a part's stop; parts stop in the reverse of the order they registered. */
  onStop(name: string, stop: () => Promise<void> | void): void {
    this.#stops.push({ name, stop });
  }

  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** Stops every part; a part that fails to stop is logged and the rest still stop. */
  shutdown(reason: string): Promise<void> {
    this.#stopping ??= this.#run(reason);
    return this.#stopping;
  }

  async #run(reason: string): Promise<void> {
    this.#log.info('daemon', `stopping: ${reason}`);
    for (const s of [...this.#stops].reverse()) {
      try {
        await s.stop();
      } catch (e) {
        this.#log.error('daemon', `stopping ${s.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    for (const [sig, handler] of this.#signals) process.off(sig, handler);
    this.#signals = [];
    this.#log.info('daemon', 'stopped');
  }

  /** SIGTERM and SIGINT stop cleanly, then `exit(0)`; a second signal exits at once. */
  handleSignals(exit: (code: number) => void): void {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const handler = (): void => {
        if (this.#stopping !== undefined) {
          exit(1);
          return;
        }
        void this.shutdown(`received ${sig}`).then(() => exit(0));
      };
      process.on(sig, handler);
      this.#signals.push([sig, handler]);
    }
  }

  /** Runs a background task; its failure is logged, never an unhandled rejection. */
  guard(name: string, task: Promise<unknown>): void {
    task.catch((e: unknown) => this.#log.error('daemon', `${name} failed: ${e instanceof Error ? e.message : String(e)}`));
  }
}
