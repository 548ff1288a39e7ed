// `v6edge plan`: what a pass would change now, as text, without changing anything.
import type { Config } from '../config/schema.ts';
import { describe } from '../lib/result.ts';
import type { Backend } from '../backends/types.ts';
import { describeChange } from './describe.ts';
import { desiredState, type LeaseRoute } from './desired.ts';
import { plan, type Recorded } from './plan.ts';
import type { AllocationRecord } from '../store/records.ts';

export interface PlanOnceOptions {
  readonly allocations?: readonly AllocationRecord[];
  readonly leaseRoutes?: readonly LeaseRoute[];
  readonly recorded?: Recorded;
}

/** One line per change (`+` add, `-` remove, `~` change), then any inputs that were missing. */
export async function planOnce(config: Config, backend: Backend, options: PlanOnceOptions = {}): Promise<string> {
  const desired = desiredState(config, options.allocations ?? [], options.leaseRoutes ?? []);
  const observed = await backend.observe({ sysctlKeys: desired.sysctls.map((s) => s.key) });
  const changes = plan(desired, observed, options.recorded);
  const lines = changes.length === 0 ? ['No changes: the system matches the configuration.'] : changes.map(describeChange);
  for (const p of desired.problems) lines.push(`! ${describe(p)}`);
  return `${lines.join('\n')}\n`;
}
