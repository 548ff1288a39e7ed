// The DHCPv6 codec's public face (RFC 8415): types, parse, serialize, option access, DUIDs and
// the server's receive-side validation.
export * from './constants.ts';
export type * from './types.ts';
export { isRelay } from './types.ts';
export { parseDhcp6, MAX_OPTION_NESTING } from './parse.ts';
export { serializeDhcp6 } from './serialize.ts';
export * from './find.ts';
export { decodeDuid, duidFromHex, duidLl, duidLlt, duidToHex, duidUuid, encodeDuid, macBytes } from './duid.ts';
export { SERVER_DROP_REASONS, validateForServer } from './validate.ts';
export type { ServerDropReason, ServerReceiveMeta, ServerVerdict } from './validate.ts';
