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
export {
  dhclient6, hookRecorder, parseHookRecords, parseDhclient6Leases, duidEscaped,
  type Dhclient6Options, type Dhclient6Mode, type Dhclient6Handle, type Dhclient6Leases, type Dhclient6Record,
  type Dhclient6LeaseFile, type Dhclient6FileLease, type Dhclient6Ia, type HookRecord, type HookRecorder,
} from './peers/dhclient.ts';
export { dhcpcd6, dhcpcd6Config, dhcpcd6Lease, type Dhcpcd6Options, type Dhcpcd6Handle, type Dhcpcd6Lease } from './peers/dhcpcd.ts';
export { dhcp6c, dhcp6cConfig, parseDhcp6cLog, type Dhcp6cOptions, type Dhcp6cHandle, type Dhcp6cState, type Dhcp6cLease } from './peers/dhcp6c.ts';
export {
  kea6, kea6Config, parseKea6Leases, currentKea6Leases, type Kea6, type Kea6Options, type Kea6Lease, type Kea6PdPool, type Kea6Lifetimes,
} from './peers/kea.ts';
export {
  perfdhcp6, perfdhcp6Args, parsePerfdhcp,
  type Perfdhcp6Options, type Perfdhcp6Result, type PerfdhcpStats, type PerfdhcpExchange, type PerfdhcpDelay,
} from './peers/perfdhcp.ts';
