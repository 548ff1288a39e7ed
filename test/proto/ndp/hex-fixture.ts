// Reads the .hex fixtures: `# key: value` header lines, then hex digits (whitespace ignored).
import { readFileSync, writeFileSync } from 'node:fs';

export interface HexFixture {
  readonly meta: Readonly<Record<string, string>>;
  readonly bytes: Uint8Array;
}

export function readHexFixture(path: string | URL): HexFixture {
  const meta: Record<string, string> = {};
  let hex = '';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const header = /^#\s*([\w-]+):\s*(.*)$/.exec(line);
    if (header !== null) meta[header[1]!] = header[2]!.trim();
    else if (!line.startsWith('#')) hex += line.replace(/\s+/g, '');
  }
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new Error(`${String(path)}: not hex`);
  return { meta, bytes: Uint8Array.from(Buffer.from(hex, 'hex')) };
}

/** Writes a fixture with 32 bytes per line so diffs stay readable. */
export function writeHexFixture(path: string | URL, fixture: HexFixture): void {
  const head = Object.entries(fixture.meta).map(([k, v]) => `# ${k}: ${v}\n`);
  const hex = Buffer.from(fixture.bytes).toString('hex');
  const lines = hex.match(/.{1,64}/g) ?? [];
  writeFileSync(path, head.join('') + lines.join('\n') + '\n');
}
