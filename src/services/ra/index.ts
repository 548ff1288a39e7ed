// The Router Advertisement service: what the daemon and the API import.
export { buildRouterAdvertisement, buildFinalAdvertisement, AUTOMATIC_PREFIX, INFINITE_LIFETIME, type RaFacts, type BuiltAdvertisement } from './advertisement.ts';
export { decide, initialSchedulerState, type SchedulerConfig, type SchedulerInput, type SchedulerState, type SchedulerAction, type Decision } from './scheduler.ts';
export { findConflicts, describeConflict, type Conflict, type ConflictField } from './consistency.ts';
export { classifyReceived, type Received, type RaDropReason, type DropCounts } from './receive.ts';
export { recordAdvertised, decodeHistory, historyKey, MAX_WITHDRAW_SECONDS, type PrefixHistory, type WithdrawnPrefix } from './withdrawal.ts';
export { ipFacts, factsFromIp, type InterfaceFacts, type FactsSource } from './facts.ts';
export { watchInterface, type InterfaceWatch, type WatchOptions } from './monitor.ts';
export { FactsFollower, type FactsFollowerOptions } from './follow.ts';
export { selectSource, type SourceChoice } from './source.ts';
export { RaRunner, type RaRunnerOptions, type RaStatus, type HistoryStore } from './runner.ts';
