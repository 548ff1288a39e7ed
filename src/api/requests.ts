// Request and response bodies of the control API beyond the shared contract in types.ts: what the
// CLI sends to edit hosts and the plan it reads, and where the socket lives. Plain data, like types.ts.

/** POST /v1/hosts: adds (or replaces) a container host in the candidate. */
export interface HostRequestDto {
  readonly name: string;
  readonly interface: string;
  readonly nextHop: string;
  /** A fixed prefix; absent: IPAM allocates one. */
  readonly prefix?: string;
  readonly networks?: readonly { readonly name: string; readonly prefix?: string }[];
}

/** GET /v1/plan: what a reconcile pass would change now, one line per change. */
export interface PlanDto {
  readonly text: string;
}

export const DEFAULT_SOCKET = '/run/v6edge/api.sock';
