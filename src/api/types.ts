// The control API's data: what the daemon sends and accepts as JSON over /run/v6edge/api.sock.
// Shared by the daemon, the CLI and the TUI; plain data only, so the TUI imports nothing else.

/** A problem as the API reports it: a code, an optional path, and a sentence for people. */
export interface ApiProblem {
  readonly code: string;
  readonly message: string;
  readonly path?: string;
}

/** Every error response body: HTTP status 4xx/5xx with this JSON. */
export interface ApiErrorBody {
  readonly error: ApiProblem;
  /** Validation refusals list every problem, each with its path. */
  readonly problems?: readonly ApiProblem[];
}

export type Health = 'ok' | 'degraded' | 'failed' | 'off';

export interface ServiceHealth {
  readonly health: Health;
  /** One line on why, when not ok. */
  readonly detail?: string;
}

export interface StatusDto {
  readonly version: string;
  readonly startedAt: number;
  readonly runningRevision: number | undefined;
  readonly pendingConfirm: { readonly revision: number; readonly deadline: number } | undefined;
  readonly services: {
    readonly ra: ServiceHealth;
    readonly dhcpv6: ServiceHealth;
    readonly ndproxy: ServiceHealth;
    readonly reconcile: ServiceHealth;
  };
  readonly alerts: readonly AlertDto[];
}

export interface AlertDto {
  readonly at: number;
  readonly kind: 'rogue-ra' | 'pool-exhausted' | 'reconcile-failed' | 'confirm-pending' | 'interface-down';
  readonly message: string;
}

export interface InterfaceDto {
  readonly name: string;
  readonly role: 'wan' | 'lan' | 'hosts' | 'mgmt';
  readonly kind: string;
  readonly state: 'up' | 'down' | 'missing';
  readonly mtu: number | undefined;
  readonly mac: string | undefined;
  readonly addresses: readonly string[];
  readonly ra: boolean;
  readonly dhcpv6: 'off' | 'stateless' | 'stateful';
}

export interface RaInterfaceDto {
  readonly ifname: string;
  readonly phase: string;
  readonly rasSent: number;
  readonly rasSentUnicast: number;
  readonly rsReceived: number;
  readonly drops: Readonly<Record<string, number>>;
  readonly nextRaAt: number | undefined;
  /** What the next RA carries, as `key: value` lines for display. */
  readonly advertised: readonly string[];
  readonly rogue: readonly { readonly at: number; readonly source: string; readonly field: string; readonly message: string }[];
  readonly withdrawn: readonly { readonly prefix: string; readonly until: number }[];
}

export interface LeaseDto {
  readonly iface: string;
  readonly duid: string;
  readonly iaid: number;
  readonly kind: 'na' | 'pd';
  readonly lease: string;
  readonly state: 'active' | 'released' | 'declined' | 'expired';
  readonly preferredLifetime: number;
  readonly validLifetime: number;
  readonly expiresAt: number;
  readonly clientLinkLocal?: string;
}

export interface LeasePage {
  readonly leases: readonly LeaseDto[];
  readonly total: number;
  /** Pass back as `after` for the next page; absent on the last page. */
  readonly next?: string;
}

export interface PoolDto {
  readonly iface: string;
  readonly kind: 'na' | 'pd';
  readonly range: string;
  readonly size: number;
  readonly used: number;
}

export interface HostDto {
  readonly name: string;
  readonly interface: string;
  readonly nextHop: string;
  readonly prefix: string | undefined;
  readonly networks: readonly { readonly name: string; readonly prefix: string | undefined }[];
  readonly publishedPorts: readonly { readonly protocol: 'tcp' | 'udp'; readonly port: string; readonly target: string }[];
}

export interface RouteDto {
  readonly prefix: string;
  readonly via: string | undefined;
  readonly dev: string | undefined;
  /** Why we route it: a host, a container network, a delegated prefix, the upstream. */
  readonly origin: string;
  readonly state: 'installed' | 'pending' | 'failed';
  readonly error?: string;
}

export interface ReconcileDto {
  readonly lastPassAt: number | undefined;
  readonly passes: number;
  readonly changesApplied: number;
  readonly driftRepairs: number;
  readonly errors: readonly ApiProblem[];
}

export interface NdproxyEntryDto {
  readonly upstream: string;
  readonly address: string;
  readonly mode: 'static' | 'auto' | 'iface' | 'kernel';
  readonly state: 'answering' | 'probing' | 'negative' | 'installed';
  readonly expiresAt?: number;
}

export interface NdproxyDto {
  readonly rules: readonly { readonly upstream: string; readonly prefix: string; readonly mode: string }[];
  readonly entries: readonly NdproxyEntryDto[];
  readonly counters: Readonly<Record<string, number>>;
}

export interface FirewallCounterDto {
  readonly chain: string;
  readonly rule: string;
  readonly packets: number;
  readonly bytes: number;
}

export interface LogEntryDto {
  readonly at: number;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly component: string;
  readonly message: string;
}

export interface RevisionDto {
  readonly number: number;
  readonly time: number;
  readonly author: string;
  readonly comment: string;
  readonly state: 'pending' | 'confirmed' | 'rolled-back';
  readonly confirmDeadline?: number;
}

export interface DiffEntryDto {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface CandidateDto {
  /** The revision the candidate was started from. */
  readonly base: number;
  /** The config document (the `Config` of src/config/schema.ts, as JSON). */
  readonly document: unknown;
  /** Candidate against running; empty when they are the same. */
  readonly diff: readonly DiffEntryDto[];
}

export interface CommitRequestDto {
  readonly comment: string;
  /** Roll back unless confirmed within this many seconds. */
  readonly confirmSeconds?: number;
}

/** The event stream (NDJSON at GET /v1/events): each line one event. */
export type EventDto =
  | { readonly type: 'commit'; readonly at: number; readonly revision: RevisionDto }
  | { readonly type: 'rollback'; readonly at: number; readonly revision: RevisionDto; readonly reason: string }
  | { readonly type: 'confirm'; readonly at: number; readonly revision: number }
  | { readonly type: 'lease'; readonly at: number; readonly action: string; readonly lease: LeaseDto }
  | { readonly type: 'reconcile'; readonly at: number; readonly status: ReconcileDto }
  | { readonly type: 'alert'; readonly at: number; readonly alert: AlertDto }
  | { readonly type: 'log'; readonly at: number; readonly entry: LogEntryDto };

/**
 * What a UI or the CLI can ask. The daemon serves it over HTTP; `HttpApiClient` implements it;
 * tests use an in-memory fake with the same shape.
 */
export interface ApiClient {
  status(): Promise<StatusDto>;
  interfaces(): Promise<readonly InterfaceDto[]>;
  ra(): Promise<readonly RaInterfaceDto[]>;
  leases(query: { readonly iface?: string; readonly search?: string; readonly after?: string; readonly limit?: number }): Promise<LeasePage>;
  pools(): Promise<readonly PoolDto[]>;
  releaseLease(lease: string): Promise<void>;
  hosts(): Promise<readonly HostDto[]>;
  routes(): Promise<readonly RouteDto[]>;
  reconcile(): Promise<ReconcileDto>;
  ndproxy(): Promise<NdproxyDto>;
  firewall(): Promise<readonly FirewallCounterDto[]>;
  logs(query: { readonly limit?: number; readonly component?: string }): Promise<readonly LogEntryDto[]>;
  candidate(): Promise<CandidateDto>;
  /** Replaces the candidate; refused whole (with every problem) when it does not validate. */
  putCandidate(document: unknown): Promise<CandidateDto>;
  commit(request: CommitRequestDto): Promise<RevisionDto>;
  confirm(): Promise<RevisionDto>;
  rollback(revision: number, comment?: string): Promise<RevisionDto>;
  history(limit?: number): Promise<readonly RevisionDto[]>;
  diff(a: number | 'running' | 'candidate', b: number | 'running' | 'candidate'): Promise<readonly DiffEntryDto[]>;
  /** Calls `onEvent` for each event until the returned function is called. */
  events(onEvent: (event: EventDto) => void, onClose?: (error?: Error) => void): () => void;
}

/** A refusal from the API, carrying the body the daemon sent. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;
  constructor(status: number, body: ApiErrorBody) {
    super(body.error.message);
    this.status = status;
    this.body = body;
  }
}
