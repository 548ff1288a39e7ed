// YAML in and out, and the limits that guard both YAML text and JSON values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultConfig, demoConfig } from '../../src/config/defaults.ts';
import { checkDocumentLimits, MAX_DEPTH, MAX_DOCUMENT_BYTES } from '../../src/config/limits.ts';
import { validateConfig } from '../../src/config/validate.ts';
import { configToYaml, parseConfigYaml } from '../../src/config/yaml.ts';
import { demoDoc, summary } from './support.ts';

const codes = (r: { ok: boolean; error?: readonly { code: string }[] }) => (r.ok ? [] : r.error!.map((p) => p.code));

test('the demo and the default config validate and round-trip through YAML', () => {
  for (const config of [demoConfig(), defaultConfig()]) {
    assert.deepEqual(validateConfig(config), { ok: true, value: config });
    assert.deepEqual(parseConfigYaml(configToYaml(config)), { ok: true, value: config });
  }
});

test('property: edited demo configs round-trip through YAML unchanged', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1280, max: 65535 }),
      fc.oneof(fc.integer({ min: 0, max: 0xfffffffe }), fc.constant('infinity' as const)),
      fc.boolean(),
      fc.constantFrom('low', 'medium', 'high'),
      (mtu, valid, managed, pref) => {
        const d = demoDoc();
        d.interfaces.lan0.mtu = mtu;
        Object.assign(d.interfaces.lan0.ra, { managedFlag: managed, defaultPreference: pref });
        Object.assign(d.interfaces.lan0.ra.prefixes[0], { validLifetime: valid, preferredLifetime: 0 });
        const r = validateConfig(d);
        assert.ok(r.ok);
        if (r.ok) assert.deepEqual(parseConfigYaml(configToYaml(r.value)), r);
      },
    ),
    { numRuns: 50 },
  );
});

test('YAML syntax errors carry line and column', () => {
  const r = parseConfigYaml('version: 1\ninterfaces:\n  lan0: {kind: dummy\n');
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error[0]?.code, 'yaml-syntax');
  assert.ok(r.error[0]?.where !== undefined && 'line' in r.error[0].where && r.error[0].where.line >= 3, JSON.stringify(r.error));
});

test('a duplicate YAML key is a syntax error, not a silent overwrite', () => {
  const r = parseConfigYaml('version: 1\nversion: 1\n');
  assert.deepEqual(codes(r), ['yaml-syntax']);
  if (!r.ok) assert.deepEqual(r.error[0]?.where, { line: 2, column: 1 });
});

test('schema errors from YAML carry config paths', () => {
  const r = parseConfigYaml('version: 1\ninterfaces:\n  lan0: {kind: dummy, role: lan, mtu: 100}\n');
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual(summary(r.error), ['out-of-range @ interfaces.lan0.mtu']);
});

test('an empty document asks for the version', () => {
  assert.deepEqual(codes(parseConfigYaml('')), ['missing']);
});

test('more than MAX_DOCUMENT_BYTES is refused, as YAML text and as a JSON value', () => {
  const padding = 'x'.repeat(MAX_DOCUMENT_BYTES + 1);
  assert.deepEqual(codes(parseConfigYaml(`version: 1\n# ${padding}\n`)), ['too-large']);
  const doc = demoDoc();
  // One entry shared 600,000 times: small in memory, over the limit as JSON text.
  const entry = { domains: ['a-rather-long-search-domain.example'] };
  doc.interfaces.lan0.ra.dnssl = Array.from({ length: 600_000 }, () => entry);
  assert.deepEqual(codes(validateConfig(doc)), ['too-large']);
  assert.equal(checkDocumentLimits({ s: padding }).ok, false);
});

test('multi-byte text is measured in UTF-8 bytes', () => {
  // Just over the limit in UTF-8, half of it in UTF-16 units.
  const text = `version: 1\n# ${'é'.repeat(MAX_DOCUMENT_BYTES / 2 + 1)}\n`;
  assert.deepEqual(codes(parseConfigYaml(text)), ['too-large']);
});

test('10,000-deep nesting is refused without recursion, as YAML and as JSON', () => {
  const depth = 10_000;
  assert.deepEqual(codes(parseConfigYaml('['.repeat(depth) + ']'.repeat(depth))), ['too-deep']);
  assert.deepEqual(codes(parseConfigYaml('- '.repeat(depth) + 'x\n')), ['too-deep']);
  assert.deepEqual(codes(parseConfigYaml(`version: 1\nx: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`)), ['too-deep']);
  let deep: unknown = 1;
  for (let i = 0; i < depth; i++) deep = { a: [deep] };
  assert.deepEqual(codes(validateConfig(deep)), ['too-deep']);
  // As an API payload would arrive: JSON text parsed by JSON.parse, which does not recurse.
  assert.deepEqual(codes(validateConfig(JSON.parse(`${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`))), ['too-deep']);
});

test('the depth limit sits exactly at MAX_DEPTH', () => {
  const nest = (n: number): unknown => {
    let v: unknown = 0;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  assert.equal(checkDocumentLimits(nest(MAX_DEPTH)).ok, true);
  const r = checkDocumentLimits(nest(MAX_DEPTH + 1));
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'too-deep');
});

test('a cyclic value is refused as too deep instead of looping', () => {
  const a: { self?: unknown } = {};
  a.self = a;
  assert.deepEqual(codes(validateConfig(a)), ['too-deep']);
});

test('YAML alias expansion is limited', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 0; i < 200; i++) lines.push(`k${i}: *a`);
  assert.deepEqual(codes(parseConfigYaml(lines.join('\n'))), ['too-many-aliases']);
});

test('a self-referencing YAML alias does not hang', () => {
  const r = parseConfigYaml('version: 1\nx: &a [*a]\n');
  assert.equal(r.ok, false);
});
