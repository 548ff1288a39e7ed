// The reference config documents every key, and stays a valid config (corerad's reference.toml
// habit): a key added to the schema without an entry here fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfigYaml } from '../../src/config/yaml.ts';

const text = readFileSync(new URL('../fixtures/config/reference.yaml', import.meta.url), 'utf8');

/** Maps whose keys are names, not fields: their entries collapse to `*`. */
const NAME_MAPS = new Set(['interfaces', 'hosts', 'networks']);

/** Every field path, with array items as `[]` and named entries as `*`. */
function keyPaths(v: unknown, base = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => keyPaths(x, `${base}[]`, out));
  else if (typeof v === 'object' && v !== null) {
    const named = NAME_MAPS.has(base.slice(base.lastIndexOf('.') + 1));
    for (const [k, x] of Object.entries(v)) {
      const p = `${base}.${named ? '*' : k}`;
      out.add(p);
      keyPaths(x, p, out);
    }
  }
  return out;
}

test('the reference config is valid', () => {
  const r = parseConfigYaml(text);
  assert.deepEqual(r.ok ? [] : r.error, []);
});

test('the reference config writes out every key the schema fills in', () => {
  const r = parseConfigYaml(text);
  assert.ok(r.ok);
  if (!r.ok) return;
  const written = keyPaths(parse(text));
  const missing = [...keyPaths(r.value)].filter((k) => !written.has(k));
  assert.deepEqual(missing, []);
});

test('every key line in the reference config carries a comment', () => {
  const lines = text.split('\n');
  const bare = lines
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => /^\s*(- )?[A-Za-z][A-Za-z0-9]*:( |$)/.test(line) && !line.includes(' # '))
    .filter(({ n }) => !(lines[n - 2] ?? '').trim().startsWith('#'));
  assert.deepEqual(bare, []);
});
