// Fuzz target for the Neighbor Discovery codec: whatever parses must re-serialize and parse to
// the same value (mdlayher/ndp's fuzz contract).
import { deepStrictEqual } from 'node:assert/strict';
import { unwrap } from '../../../src/lib/result.ts';
import { parseNdp, serializeNdp } from '../../../src/proto/ndp/messages.ts';
import { EXAMPLES } from '../../proto/ndp/examples.ts';
import type { FuzzTarget } from '../target.ts';

export const target: FuzzTarget = {
  name: 'ndp',
  roundTrip(bytes) {
    const first = parseNdp(bytes);
    if (!first.ok) return 'rejected';
    const again = unwrap(parseNdp(unwrap(serializeNdp(first.value))));
    deepStrictEqual(again, first.value);
    return 'stable';
  },
  seeds: EXAMPLES.map((m) => unwrap(serializeNdp(m, { source: 'fe80::1', destination: 'ff02::1' }))),
};
