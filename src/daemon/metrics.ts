// GET /metrics: the daemon's counters in the Prometheus text exposition format (version 0.0.4):
// a HELP and a TYPE line per family, then one sample per label set. Pure: the daemon hands in a
// snapshot of its services' counters.

export interface RaMetrics {
  readonly ifname: string;
  readonly rasSent: number;
  readonly rasSentUnicast: number;
  readonly rsReceived: number;
  readonly sendErrors: number;
  readonly rogueRas: number;
  readonly drops: Readonly<Record<string, number | undefined>>;
}

export interface Dhcpv6Metrics {
  readonly messages: Readonly<Record<string, number>>;
  readonly drops: Readonly<Record<string, number>>;
  readonly replies: number;
  readonly leases: Readonly<Record<string, { readonly na: number; readonly pd: number }>>;
}

export interface ReconcileMetrics {
  readonly passes: number;
  readonly changesApplied: number;
  readonly driftRepairs: number;
  readonly failedPasses: number;
  /** Pass durations in seconds, bucketed by the histogram below. */
  readonly durations: PassDurations;
}

export interface MetricsSnapshot {
  readonly ra: readonly RaMetrics[];
  readonly dhcpv6: Dhcpv6Metrics | undefined;
  readonly ndproxy: Readonly<Record<string, number>> | undefined;
  readonly reconcile: ReconcileMetrics;
  readonly apiRequests: number;
  readonly eventSubscribers: number;
}

/** Upper bounds (seconds) of the pass-duration histogram. */
export const PASS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export class PassDurations {
  readonly counts: number[] = PASS_BUCKETS.map(() => 0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    PASS_BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.counts[i]!++;
    });
  }
}

type Labels = Readonly<Record<string, string>>;

// Label values escape backslash, double quote and newline (exposition format, "Text format details").
const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function sample(name: string, labels: Labels, value: number): string {
  const keys = Object.keys(labels);
  const l = keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}`;
  return `${name}${l} ${Number.isFinite(value) ? value : 0}`;
}

class Families {
  readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string, samples: ReadonlyArray<readonly [Labels, number]>): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.lines.push(sample(name, labels, value));
  }
}

const perIface = (ra: readonly RaMetrics[], pick: (r: RaMetrics) => number): Array<readonly [Labels, number]> =>
  ra.map((r) => [{ interface: r.ifname }, pick(r)] as const);

function renderRa(f: Families, ra: readonly RaMetrics[]): void {
  f.family('v6edge_ra_sent_total', 'counter', 'Router Advertisements sent.', perIface(ra, (r) => r.rasSent));
  f.family('v6edge_ra_sent_unicast_total', 'counter', 'Router Advertisements sent unicast (RFC 7772).', perIface(ra, (r) => r.rasSentUnicast));
  f.family('v6edge_ra_solicitations_received_total', 'counter', 'Router Solicitations received.', perIface(ra, (r) => r.rsReceived));
  f.family('v6edge_ra_send_errors_total', 'counter', 'Router Advertisements that could not be sent.', perIface(ra, (r) => r.sendErrors));
  f.family('v6edge_ra_rogue_total', 'counter', 'Router Advertisements from other routers that conflict with ours.', perIface(ra, (r) => r.rogueRas));
  f.family(
    'v6edge_ra_drops_total',
    'counter',
    'Received ICMPv6 messages dropped, by reason.',
    ra.flatMap((r) => Object.entries(r.drops).map(([reason, n]) => [{ interface: r.ifname, reason }, n ?? 0] as const)),
  );
}

function renderDhcpv6(f: Families, d: Dhcpv6Metrics): void {
  f.family('v6edge_dhcpv6_messages_total', 'counter', 'DHCPv6 messages received, by type.', Object.entries(d.messages).map(([type, n]) => [{ type }, n] as const));
  f.family('v6edge_dhcpv6_drops_total', 'counter', 'DHCPv6 messages dropped, by reason.', Object.entries(d.drops).map(([reason, n]) => [{ reason }, n] as const));
  f.family('v6edge_dhcpv6_replies_total', 'counter', 'DHCPv6 replies sent.', [[{}, d.replies]]);
  f.family(
    'v6edge_dhcpv6_leases',
    'gauge',
    'Active DHCPv6 leases, by interface and kind.',
    Object.entries(d.leases).flatMap(([iface, c]) => [[{ interface: iface, kind: 'na' }, c.na] as const, [{ interface: iface, kind: 'pd' }, c.pd] as const]),
  );
}

function renderReconcile(f: Families, r: ReconcileMetrics): void {
  f.family('v6edge_reconcile_passes_total', 'counter', 'Reconcile passes run.', [[{}, r.passes]]);
  f.family('v6edge_reconcile_changes_applied_total', 'counter', 'Kernel and nft changes applied.', [[{}, r.changesApplied]]);
  f.family('v6edge_reconcile_drift_repairs_total', 'counter', 'Changes that undid drift (the system changed behind our back).', [[{}, r.driftRepairs]]);
  f.family('v6edge_reconcile_errors_total', 'counter', 'Reconcile passes that ended with errors.', [[{}, r.failedPasses]]);
  const d = r.durations;
  f.family('v6edge_reconcile_pass_duration_seconds', 'histogram', 'Duration of reconcile passes.', []);
  PASS_BUCKETS.forEach((b, i) => f.lines.push(sample('v6edge_reconcile_pass_duration_seconds_bucket', { le: String(b) }, d.counts[i]!)));
  f.lines.push(sample('v6edge_reconcile_pass_duration_seconds_bucket', { le: '+Inf' }, d.count));
  f.lines.push(sample('v6edge_reconcile_pass_duration_seconds_sum', {}, d.sum));
  f.lines.push(sample('v6edge_reconcile_pass_duration_seconds_count', {}, d.count));
}

export function renderMetrics(s: MetricsSnapshot): string {
  const f = new Families();
  renderRa(f, s.ra);
  if (s.dhcpv6 !== undefined) renderDhcpv6(f, s.dhcpv6);
  if (s.ndproxy !== undefined) {
    f.family('v6edge_ndproxy_events_total', 'counter', 'NDP proxy counters, by name.', Object.entries(s.ndproxy).map(([counter, n]) => [{ counter }, n] as const));
  }
  renderReconcile(f, s.reconcile);
  f.family('v6edge_api_requests_total', 'counter', 'Control API requests served.', [[{}, s.apiRequests]]);
  f.family('v6edge_event_subscribers', 'gauge', 'Open event streams.', [[{}, s.eventSubscribers]]);
  return `${f.lines.join('\n')}\n`;
}
