// The Neighbor Discovery codec: what services and the NDP proxy import.
export type * from './types.ts';
export { ICMPV6_TYPE, OPTION_CODE } from './types.ts';
export { MAX_OPTIONS } from './options-parse.ts';
export { MAXIMUM_LENGTH, MINIMUM_LENGTH, parseNdp, serializeNdp, verifyChecksum } from './messages.ts';
export type { ChecksumAddresses } from './messages.ts';
export { validateReceived } from './validate.ts';
export type { DropReason, ReceiveMeta } from './validate.ts';
