// The seam between the apply loop and the system: each backend observes and changes some
// subsystems. The kernel (iproute2) and nft backends run for real; the fake is an in-memory
// kernel beside them for unit tests.
import type { Problem } from '../lib/result.ts';
import type { Change, ObservedState, Subsystem } from '../reconcile/types.ts';

export interface ObserveRequest {
  /** Sysctl keys (slash form) to read; the kernel has thousands, we read only ours. */
  readonly sysctlKeys: readonly string[];
}

/** The objects an incremental pass changed, to be read back alone (routes by destination). */
export interface TouchedRequest {
  readonly routes: readonly string[];
}

export interface ApplyFailure {
  readonly change: Change;
  readonly problem: Problem;
}

export interface ApplyReport {
  /** Changes that went in. */
  readonly applied: number;
  /** Changes that did not, each with the reason the system gave. */
  readonly failures: readonly ApplyFailure[];
}

export type Unsubscribe = () => void;

/** One backend: the subsystems it owns, read whole and changed in one batch per subsystem. */
export interface SubsystemBackend {
  readonly subsystems: readonly Subsystem[];
  observe(request: ObserveRequest): Promise<Partial<ObservedState>>;
  /** Applies changes of one of its subsystems as one batch. */
  apply(subsystem: Subsystem, changes: readonly Change[]): Promise<ApplyReport>;
  /** Calls `onChange` when something may have changed (a kernel event); it only means "look again". */
  watch?(onChange: (why: string) => void): Unsubscribe;
  /** Reads back only the touched objects of the subsystems it owns; absent means "observe whole". */
  observeTouched?(request: TouchedRequest): Promise<Partial<ObservedState>>;
  /** Releases what the backend holds open (netlink sockets). */
  close?(): void;
}

export interface CounterValue {
  readonly packets: number;
  readonly bytes: number;
}

/** The backends of a router together. */
export interface Backend {
  observe(request: ObserveRequest): Promise<ObservedState>;
  apply(subsystem: Subsystem, changes: readonly Change[]): Promise<ApplyReport>;
  watch(onChange: (why: string) => void): Unsubscribe;
  /**
   * The touched routes alone; undefined when the backend owning routes cannot read them that
   * way (the loop then observes everything).
   */
  observeTouched?(request: TouchedRequest): Promise<Partial<ObservedState> | undefined>;
  close?(): void;
}

const EMPTY: ObservedState = { links: [], addresses: [], sysctls: [], routes: [], proxyNeighbors: [], nft: undefined };

/** One Backend from several, each answering for its own subsystems. */
export function combineBackends(parts: readonly SubsystemBackend[]): Backend {
  const owner = (s: Subsystem): SubsystemBackend | undefined => parts.find((p) => p.subsystems.includes(s));
  return {
    async observe(request) {
      const seen = await Promise.all(parts.map((p) => p.observe(request)));
      return Object.assign({}, EMPTY, ...seen) as ObservedState;
    },
    async apply(subsystem, changes) {
      const p = owner(subsystem);
      if (p === undefined) {
        const reason = { code: 'no-backend', message: `No backend handles ${subsystem}.` };
        return { applied: 0, failures: changes.map((change) => ({ change, problem: reason })) };
      }
      return p.apply(subsystem, changes);
    },
    async observeTouched(request) {
      const routes = owner('routes');
      if (routes?.observeTouched === undefined) return undefined;
      return routes.observeTouched(request);
    },
    watch(onChange) {
      const stops = parts.flatMap((p) => (p.watch === undefined ? [] : [p.watch(onChange)]));
      return () => stops.forEach((s) => s());
    },
    close() {
      for (const p of parts) p.close?.();
    },
  };
}
