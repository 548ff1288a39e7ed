// What a screen receives. Screens are containers: they load their data through the session and
// own one input handler; everything they draw is a presentational component.
import type { StatusDto } from '../../src/api/types.ts';
import type { Session } from '../hooks/session.ts';

export interface ScreenProps {
  readonly session: Session;
  readonly width: number;
  readonly height: number;
  /** False while help or the quit prompt has the keyboard. */
  readonly active: boolean;
  readonly status: StatusDto | undefined;
}

export type KeyHelp = readonly (readonly [string, string])[];
