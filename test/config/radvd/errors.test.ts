// Invalid radvd.conf inputs: each must fail with this code at this line and column.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRadvdConf } from '../../../src/config/radvd/parser.ts';
import { describe as describeProblem } from '../../../src/lib/result.ts';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly code: string;
  readonly line: number;
  readonly column: number;
  /** A fragment the sentence must contain. */
  readonly says: string;
  readonly limits?: 'radvd-2.19' | 'rfc8319';
}

const CASES: readonly Case[] = [
  {
    name: 'missing semicolon after a value',
    text: 'interface lan0\n{\n\tAdvSendAdvert on\n\tAdvManagedFlag on;\n};\n',
    code: 'syntax',
    line: 4,
    column: 2,
    says: "expected ';' after AdvSendAdvert on, found 'AdvManagedFlag'",
  },
  {
    name: 'missing semicolon after a block',
    text: 'interface lan0 {\n  prefix 2001:db8::/64 { AdvOnLink on; }\n};\n',
    code: 'syntax',
    line: 3,
    column: 1,
    says: "expected ';' after the prefix block",
  },
  {
    name: 'unterminated interface block',
    text: 'interface lan0\n{\n\tAdvSendAdvert on;\n',
    code: 'unterminated-block',
    line: 4,
    column: 1,
    says: 'opened at line 2, column 1',
  },
  {
    name: 'unterminated prefix block',
    text: 'interface lan0 {\n  prefix 2001:db8::/64 {\n    AdvOnLink on;\n',
    code: 'unterminated-block',
    line: 4,
    column: 1,
    says: "expected '}' to close the prefix block",
  },
  {
    name: 'unknown option',
    text: 'interface lan0 {\n    AdvSendAdvert on;\n    AdvFrobnicate on;\n};\n',
    code: 'unknown-option',
    line: 3,
    column: 5,
    says: "unknown option 'AdvFrobnicate'",
  },
  {
    name: 'prefix option in the interface block',
    text: 'interface lan0 {\n\tAdvAutonomous on;\n};\n',
    code: 'misplaced-option',
    line: 2,
    column: 2,
    says: 'AdvAutonomous is a prefix option',
  },
  {
    name: 'MaxRtrAdvInterval above 1800',
    text: 'interface lan0 {\n\tMaxRtrAdvInterval 3600;\n};\n',
    code: 'out-of-range',
    line: 2,
    column: 20,
    says: 'between 4 and 1800',
  },
  {
    name: 'MaxRtrAdvInterval below 4',
    text: 'interface lan0 { MaxRtrAdvInterval 3; };',
    code: 'out-of-range',
    line: 1,
    column: 36,
    says: 'between 4 and 1800',
  },
  {
    name: 'MaxRtrAdvInterval above the RFC 8319 limit',
    text: 'interface lan0 { MaxRtrAdvInterval 70000; };',
    code: 'out-of-range',
    line: 1,
    column: 36,
    says: 'between 4 and 65535',
    limits: 'rfc8319',
  },
  {
    name: 'MinRtrAdvInterval above 0.75 × Max',
    text: 'interface lan0 {\n\tMaxRtrAdvInterval 100;\n\tMinRtrAdvInterval 80;\n};\n',
    code: 'out-of-range',
    line: 3,
    column: 20,
    says: '0.75 × MaxRtrAdvInterval (75)',
  },
  {
    name: 'AdvDefaultLifetime below MaxRtrAdvInterval',
    text: 'interface lan0 {\n\tAdvDefaultLifetime 100;\n};\n',
    code: 'out-of-range',
    line: 2,
    column: 21,
    says: 'must be 0 or between MaxRtrAdvInterval (600) and 9000',
  },
  {
    name: 'AdvLinkMTU below the IPv6 minimum',
    text: 'interface lan0 { AdvLinkMTU 1000; };',
    code: 'out-of-range',
    line: 1,
    column: 29,
    says: 'must be 0 or between 1280',
  },
  {
    name: 'AdvCurHopLimit wider than 8 bits',
    text: 'interface lan0 { AdvCurHopLimit 256; };',
    code: 'out-of-range',
    line: 1,
    column: 33,
    says: 'at most 255',
  },
  {
    name: 'number wider than 32 bits',
    text: 'interface lan0 { prefix 2001:db8::/64 { AdvValidLifetime 4294967296; }; };',
    code: 'out-of-range',
    line: 1,
    column: 58,
    says: 'larger than 4294967295',
  },
  {
    name: 'switch that is not on or off',
    text: 'interface lan0 { AdvManagedFlag yes; };',
    code: 'bad-value',
    line: 1,
    column: 33,
    says: 'takes on or off',
  },
  {
    name: 'preference given as a number',
    text: 'interface lan0 { AdvDefaultPreference 1; };',
    code: 'bad-value',
    line: 1,
    column: 39,
    says: 'low, medium or high',
  },
  {
    name: 'bad address in RDNSS',
    text: 'interface lan0 {\n\tRDNSS 2001:db8::g53 { };\n};\n',
    code: 'bad-address',
    line: 2,
    column: 8,
    says: 'not a valid IPv6 address',
  },
  {
    name: 'address radvd cannot scan',
    text: 'interface lan0 {\n\tRDNSS ::1 { };\n};\n',
    code: 'bad-address',
    line: 2,
    column: 8,
    says: "write '0::1' instead",
  },
  {
    name: 'IPv4 where a prefix belongs',
    text: 'interface lan0 { prefix 192.0.2.0/24 { }; };',
    code: 'bad-address',
    line: 1,
    column: 25,
    says: 'expected an IPv6 prefix',
  },
  {
    name: 'prefix length above 128',
    text: 'interface lan0 {\n\tprefix 2001:db8::/129 { };\n};\n',
    code: 'bad-prefix-length',
    line: 2,
    column: 20,
    says: 'prefix length 129 is out of range',
  },
  {
    name: 'route prefix length above 128',
    text: 'interface lan0 { route 2001:db8::/200 { }; };',
    code: 'bad-prefix-length',
    line: 1,
    column: 35,
    says: 'prefix length 200',
  },
  {
    name: 'nat64prefix length RFC 8781 cannot carry',
    text: 'interface lan0 { nat64prefix 64:ff9b::/80 { }; };',
    code: 'bad-prefix-length',
    line: 1,
    column: 40,
    says: '32, 40, 48, 56, 64 or 96',
  },
  {
    name: 'duplicate interface',
    text: 'interface lan0 { AdvSendAdvert on; };\n\ninterface lan0 { AdvSendAdvert off; };\n',
    code: 'duplicate-interface',
    line: 3,
    column: 11,
    says: 'first at line 1',
  },
  {
    name: 'preferred lifetime above the default valid lifetime',
    text: 'interface lan0 {\n\tprefix 2001:db8::/64 {\n\t\tAdvPreferredLifetime 90000;\n\t};\n};\n',
    code: 'inconsistent',
    line: 3,
    column: 24,
    says: 'AdvValidLifetime 86400 (the default)',
  },
  {
    name: 'home agent info without the home agent flag',
    text: 'interface lan0 {\n\tAdvHomeAgentInfo on;\n};\n',
    code: 'inconsistent',
    line: 2,
    column: 19,
    says: 'needs AdvHomeAgentFlag on',
  },
  {
    name: 'DNSSL suffix with an underscore',
    text: 'interface lan0 { DNSSL _srv.example { }; };',
    code: 'bad-domain',
    line: 1,
    column: 24,
    says: 'only letters, digits',
  },
  {
    name: 'empty clients block',
    text: 'interface lan0 {\n\tclients { };\n};\n',
    code: 'syntax',
    line: 2,
    column: 10,
    says: 'clients block is empty',
  },
  {
    name: 'keyword as interface name',
    text: 'interface prefix { };',
    code: 'syntax',
    line: 1,
    column: 11,
    says: 'expected an interface name',
  },
  {
    name: 'interface name longer than IFNAMSIZ',
    text: 'interface averyveryverylongname { };',
    code: 'bad-name',
    line: 1,
    column: 11,
    says: 'longer than 15',
  },
  {
    name: 'no interface at all',
    text: '# nothing but a comment\n',
    code: 'empty-config',
    line: 2,
    column: 1,
    says: 'no interface block',
  },
  {
    name: 'unterminated quoted string',
    text: 'interface lan0 {\n\tAdvCaptivePortalAPI "https://x.example/;\n};\n',
    code: 'unterminated-string',
    line: 2,
    column: 22,
    says: 'not closed',
  },
  {
    name: 'character radvd does not allow',
    text: 'interface lan0 {\n\tAdvSendAdvert on; |\n};\n',
    code: 'bad-token',
    line: 2,
    column: 20,
    says: 'unexpected character',
  },
];

for (const c of CASES) {
  test(`rejects: ${c.name}`, () => {
    const r = parseRadvdConf(c.text, c.limits === undefined ? {} : { limits: c.limits });
    assert.equal(r.ok, false, 'the input must not parse');
    if (r.ok) return;
    assert.equal(r.error.code, c.code, describeProblem(r.error));
    assert.deepEqual(r.error.where, { line: c.line, column: c.column }, describeProblem(r.error));
    assert.ok(r.error.message.includes(c.says), `"${r.error.message}" should say "${c.says}"`);
  });
}

test('the same MaxRtrAdvInterval passes under RFC 8319 limits', () => {
  const text = 'interface lan0 { MaxRtrAdvInterval 3600; AdvDefaultLifetime 10800; };';
  assert.equal(parseRadvdConf(text).ok, false);
  assert.equal(parseRadvdConf(text, { limits: 'rfc8319' }).ok, true);
});
