// What a codec offers the fuzzer: parse never throws, and whatever parses re-serializes to
// bytes that parse to the same value (stability, as mdlayher/ndp's fuzz target demands).

export interface FuzzTarget {
  readonly name: string;
  /** Must never throw; returns whether the bytes parsed. */
  readonly roundTrip: (bytes: Uint8Array) => 'rejected' | 'stable';
  /** Valid packets the mutator starts from. */
  readonly seeds: readonly Uint8Array[];
}
