// What every screen gets from the app: the client, the clock, the palette, and the connection's
// generation (bumped on each reconnection so screens reload).
import type { ApiClient, EventDto } from '../../src/api/types.ts';
import type { Palette } from '../components/palette.ts';

export type EventCounts = Readonly<Record<EventDto['type'], number>>;

export const noEvents: EventCounts = { commit: 0, rollback: 0, confirm: 0, lease: 0, reconcile: 0, alert: 0, log: 0 };

export interface Session {
  readonly client: ApiClient;
  readonly up: boolean;
  readonly generation: number;
  readonly refreshMs: number;
  readonly now: () => number;
  readonly palette: Palette;
  /** How many events of each type have arrived: screens reload when theirs change. */
  readonly events: EventCounts;
  /** Report a failed call: API refusals are the screen's to show; anything else is an outage. */
  readonly failed: (error: unknown) => void;
  /** The candidate changed here (no event says so): the header's uncommitted count reloads. */
  readonly touched: () => void;
  /** A screen takes the keyboard for text (search, form) so global keys stand aside. */
  readonly capture: (captured: boolean) => void;
}
