// The radvd.conf corpus in test/fixtures/radvd/. Files named *.radvd-2.20.conf use options that
// radvd 2.19 does not know (nat64prefix, AdvCaptivePortalAPI, autoignoreprefixes, `!addr`
// clients, RemoveAdvOnExit, UnrestrictedUnicast).
import { readdirSync, readFileSync } from 'node:fs';

export const FIXTURE_DIR = new URL('../../fixtures/radvd/', import.meta.url);

export interface Fixture {
  readonly name: string;
  readonly text: string;
  readonly needsNewerRadvd: boolean;
}

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.conf'))
    .sort()
    .map((name) => ({
      name,
      text: readFileSync(new URL(name, FIXTURE_DIR), 'utf8'),
      needsNewerRadvd: name.endsWith('.radvd-2.20.conf'),
    }));
}
