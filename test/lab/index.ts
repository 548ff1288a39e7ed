// The namespace lab: build topologies of network namespaces, run real peers in them, observe.
export { labSkipReason } from './skip.ts';
export { createLab, withLab, Lab, type SpawnOptions } from './topology.ts';
export type { LabSpec, NodeSpec, LinkSpec, BridgeSpec, Endpoint } from './spec.ts';
export { specProblems } from './spec.ts';
export { run, inNamespace, ExecError, type ExecOptions, type ExecResult } from './exec.ts';
export { waitFor, WaitTimeout, StopWaiting, type WaitOptions, type Note } from './wait.ts';
export { Peer, type PeerExit, type StopOptions } from './peer.ts';
export { Capture, NOT_MARKER, type CaptureOptions, type TsharkPacket } from './capture.ts';
export { sweepStaleLabs, listNamespaces, NAMESPACE_PATTERN } from './cleanup.ts';
export type { InterfaceAddress, Route, Neighbor } from './observe.ts';
export { startRadvd, type RadvdOptions } from './peers/radvd.ts';
export { radvdump, parseRadvdump, type RadvdumpBlock, type RadvdumpSection, type RadvdumpOptions } from './peers/radvdump.ts';
export { rdisc6, parseRdisc6, type Rdisc6Advert, type Rdisc6Prefix, type Rdisc6Route, type Rdisc6Options } from './peers/rdisc6.ts';
export { pingOk, echoAnswered, type PingOptions } from './peers/ping.ts';
