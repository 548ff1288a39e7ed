// Real radvd decides: the corpus and what the writer makes of it pass `radvd -c` (config check,
// which needs neither root nor the interface to exist). Fixtures named *.radvd-2.20.conf use
// options radvd 2.19 lacks and run only against a newer radvd.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { RadvdConfig, RadvdInterface } from '../../../src/config/radvd/ast.ts';
import { parseRadvdConf } from '../../../src/config/radvd/parser.ts';
import { writeRadvdConf } from '../../../src/config/radvd/writer.ts';
import { unwrap } from '../../../src/lib/result.ts';
import { config } from './arbitraries.ts';
import { loadFixtures } from './fixtures.ts';

function radvdVersion(): [number, number] | undefined {
  const r = spawnSync('radvd', ['--version'], { encoding: 'utf8' });
  // radvd 2.19 prints its version on stderr.
  const m = r.error === undefined ? /Version:\s*(\d+)\.(\d+)/.exec(`${r.stdout}${r.stderr}`) : null;
  return m === null ? undefined : [Number(m[1]), Number(m[2])];
}

const version = radvdVersion();
const newer = version !== undefined && (version[0] > 2 || (version[0] === 2 && version[1] >= 20));
const missing = version === undefined ? 'radvd is not installed' : undefined;

/** Runs `radvd -c` on `text`; returns radvd's complaint, or undefined when it accepts the file. */
function radvdRejects(text: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'v6t-radvdconf-'));
  try {
    const file = join(dir, 'radvd.conf');
    // radvd refuses a config file that others may write to.
    writeFileSync(file, text, { mode: 0o644 });
    const r = spawnSync('radvd', ['-c', '-C', file, '-m', 'stderr', '-p', join(dir, 'radvd.pid')], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    return r.status === 0 ? undefined : `exit ${r.status}: ${r.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const f of loadFixtures()) {
  const skip = missing ?? (f.needsNewerRadvd && !newer ? `needs radvd ≥ 2.20, found ${version?.join('.')}` : undefined);
  test(`radvd accepts ${f.name} and its rewrite`, { skip }, () => {
    assert.equal(radvdRejects(f.text), undefined, 'the fixture itself');
    assert.equal(radvdRejects(writeRadvdConf(unwrap(parseRadvdConf(f.text)))), undefined, 'the rewritten fixture');
  });
}

/** The tree without what radvd 2.19 cannot read, and with at most 3 RDNSS servers per block. */
function for219(tree: RadvdConfig): RadvdConfig {
  const strip = (i: RadvdInterface): RadvdInterface => {
    const { removeAdvOnExit: _r, unrestrictedUnicast: _u, advCaptivePortalAPI: _c, ...options } = i.options;
    return {
      ...i,
      options,
      nat64prefixes: [],
      autoIgnorePrefixes: [],
      clients: i.clients.filter((c) => !c.ignored),
      rdnss: i.rdnss.map((r) => ({ ...r, addresses: r.addresses.slice(0, 3) })),
    };
  };
  return { interfaces: tree.interfaces.map(strip) };
}

test('radvd accepts generated configurations as written', { skip: missing }, () => {
  fc.assert(
    fc.property(config, (tree) => {
      const text = writeRadvdConf(newer ? tree : for219(tree));
      assert.equal(radvdRejects(text), undefined, text);
    }),
    { numRuns: 40 },
  );
});

test('radvd 2.19 rejects the fixtures marked as needing newer radvd', { skip: missing ?? (newer ? 'radvd is newer than 2.19' : undefined) }, () => {
  for (const f of loadFixtures().filter((x) => x.needsNewerRadvd)) {
    assert.notEqual(radvdRejects(f.text), undefined, `${f.name} should need a newer radvd`);
  }
});
