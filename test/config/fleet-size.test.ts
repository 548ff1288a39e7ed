// The fleet the apply loop is built for (10,000 hosts × 10 container networks) goes through the
// normal config path, as JSON and as YAML, and the limits sit where their comments say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Composer, isAlias, isCollection, isMap, isScalar, LineCounter, Parser, stringify } from 'yaml';
import { bytesAndMiB, checkDocumentLimits, MAX_DOCUMENT_BYTES } from '../../src/config/limits.ts';
import { validateConfig } from '../../src/config/validate.ts';
import { configToYaml, MAX_ALIAS_COUNT, MAX_YAML_NODES, parseConfigYaml, yamlNodeEstimate } from '../../src/config/yaml.ts';
import { parseJson } from '../../src/daemon/body.ts';

const codes = (r: { ok: boolean; error?: readonly { code: string }[] }) => (r.ok ? [] : r.error!.map((p) => p.code));

/** `hosts` container hosts behind hosts0, each with `networks` IPAM-allocated networks and a published port. */
function fleet(hosts: number, networks: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < hosts; i++) {
    const nets: Record<string, object> = {};
    for (let j = 0; j < networks; j++) nets[`n${j}`] = {};
    out[`h${i}`] = { interface: 'hosts0', nextHop: `2001:db8:3::${(i + 16).toString(16)}`, networks: nets, publishedPorts: [{ protocol: 'tcp', port: 80, network: 'n0' }] };
  }
  return {
    version: 1,
    interfaces: {
      wan0: { kind: 'veth', role: 'wan', ips: ['2001:db8:ffff::2/64'] },
      hosts0: { kind: 'veth', role: 'hosts', ips: ['2001:db8:3::1/64'] },
    },
    ipam: { hostPool: '2001:db8:4000::/34', hostPrefixLength: 48 },
    hosts: out,
  };
}

const fleet10k = fleet(10_000, 10);
const json10k = JSON.stringify(fleet10k);

test('a 10,000-host × 10-network fleet is accepted as a JSON API body and validates', () => {
  const body = parseJson(json10k);
  assert.ok(body.ok);
  const r = validateConfig(body.value);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error.slice(0, 3)));
  assert.equal(Object.keys(r.value.hosts).length, 10_000);
  assert.deepEqual(Object.keys(r.value.hosts['h9999']!.networks), ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9']);
});

test('the same fleet round-trips through YAML to the same config', () => {
  const config = validateConfig(fleet10k);
  assert.ok(config.ok);
  const text = configToYaml(config.value);
  assert.ok(Buffer.byteLength(text) > 1024 * 1024, 'bigger than the old 1 MiB limit');
  assert.deepEqual(parseConfigYaml(text), config);
});

test('40,000 hosts fit both limits with room: JSON bytes and YAML indicators grow linearly', () => {
  // A quarter of the fleet measured four times over, instead of building 40,000 hosts here.
  const jsonBytes = Buffer.byteLength(json10k);
  assert.ok(4 * jsonBytes * 1.5 < MAX_DOCUMENT_BYTES, `40,000 hosts are ${4 * jsonBytes} bytes of JSON`);
  const indicators = yamlNodeEstimate(stringify(fleet10k, { lineWidth: 0 }));
  assert.ok(4 * indicators * 1.2 < MAX_YAML_NODES, `40,000 hosts are ${4 * indicators} YAML indicators`);
  assert.equal(checkDocumentLimits(fleet(40_000, 10)).ok, true);
});

test('the JSON size limit sits exactly at MAX_DOCUMENT_BYTES and names it in bytes and MiB', () => {
  // {"s":"…"} is the string plus 9 bytes of JSON around it.
  assert.equal(checkDocumentLimits({ s: 'x'.repeat(MAX_DOCUMENT_BYTES - 9) }).ok, true);
  const over = checkDocumentLimits({ s: 'x'.repeat(MAX_DOCUMENT_BYTES - 8) });
  assert.equal(over.ok, false);
  if (over.ok) return;
  assert.equal(over.error.code, 'too-large');
  assert.match(over.error.message, new RegExp(`${MAX_DOCUMENT_BYTES} bytes \\(${MAX_DOCUMENT_BYTES / 1048576} MiB\\)`));
});

test('YAML text one byte over the limit is refused before parsing, naming the limit', () => {
  const text = `version: 1\n#${'x'.repeat(MAX_DOCUMENT_BYTES - 12)}\n`;
  assert.equal(Buffer.byteLength(text), MAX_DOCUMENT_BYTES + 1);
  const r = parseConfigYaml(text);
  assert.deepEqual(codes(r), ['too-large']);
  if (!r.ok) assert.equal(r.error[0]?.message, `The document is ${MAX_DOCUMENT_BYTES + 1} bytes; the limit is ${bytesAndMiB(MAX_DOCUMENT_BYTES)}.`);
});

test('bytesAndMiB', () => {
  const cases: Array<[number, string]> = [
    [1024 * 1024, '1048576 bytes (1 MiB)'],
    [24 * 1024 * 1024, '25165824 bytes (24 MiB)'],
    [1.5 * 1024 * 1024, '1572864 bytes (1.5 MiB)'],
  ];
  for (const [bytes, want] of cases) assert.equal(bytesAndMiB(bytes), want);
});

test('YAML over the node budget is refused from a count on the text, before yaml builds a tree', () => {
  const text = `[${'0,'.repeat(MAX_YAML_NODES)}0]`; // 2 bytes a node: far under the byte limit
  assert.ok(Buffer.byteLength(text) < MAX_DOCUMENT_BYTES);
  const r = parseConfigYaml(text);
  assert.deepEqual(codes(r), ['too-large']);
  if (!r.ok) assert.match(r.error[0]!.message, new RegExp(`limit is ${MAX_YAML_NODES}`));
});

/** Scalar, alias and collection nodes of every document in `text`, as yaml composes them. */
function composedNodes(text: string): number {
  let n = 0;
  for (const doc of new Composer().compose(new Parser(new LineCounter().addNewLine).parse(text), true, text.length)) {
    const stack: unknown[] = [doc.contents];
    while (stack.length > 0) {
      const node = stack.pop();
      if (node === null || node === undefined) continue;
      if (isScalar(node) || isAlias(node)) n++;
      else if (isCollection(node)) {
        n++;
        for (const item of node.items) {
          if (isMap(node)) stack.push((item as { key: unknown }).key, (item as { value: unknown }).value);
          else stack.push(item);
        }
      }
    }
  }
  return n;
}

test('property: yaml builds at most the estimate + 1 nodes, block or flow style', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 5 }), fc.boolean(), (value, flow) => {
      const text = stringify(value, { lineWidth: 0, collectionStyle: flow ? 'flow' : 'block' });
      assert.ok(composedNodes(text) <= yamlNodeEstimate(text) + 1, text);
    }),
    { numRuns: 300 },
  );
});

test('YAML aliases cannot expand past the size limit: the expanded value is what is measured', () => {
  // 300 KB of text: one anchored string and 99 aliases of it (within MAX_ALIAS_COUNT), 30 MB expanded.
  const big = 'x'.repeat(300_000);
  const aliases = Array.from({ length: MAX_ALIAS_COUNT - 1 }, () => '*a').join(', ');
  const text = `version: 1\nx: &a ${big}\ny: [${aliases}]\n`;
  assert.ok(Buffer.byteLength(text) < 400_000 && (MAX_ALIAS_COUNT - 1) * big.length > MAX_DOCUMENT_BYTES);
  assert.deepEqual(codes(parseConfigYaml(text)), ['too-large']);
});

test('duplicate keys are found in every map, nested and flow, with their line and column', () => {
  const r = parseConfigYaml('version: 1\nhosts:\n  h1: {interface: hosts0, interface: lan0}\n  h2: {}\n  h1: {}\n');
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(
    r.error.map((p) => [p.code, p.where]),
    [
      ['yaml-syntax', { line: 3, column: 27 }],
      ['yaml-syntax', { line: 5, column: 3 }],
    ],
  );
});

test('a second YAML document is a syntax error', () => {
  const r = parseConfigYaml('version: 1\n---\nversion: 1\n');
  assert.deepEqual(codes(r), ['yaml-syntax']);
  if (!r.ok) assert.match(r.error[0]!.message, /MULTIPLE_DOCS/);
});
