import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factsFromIp } from '../../../src/services/ra/facts.ts';

test('facts from ip -json: MAC, usable link-locals, distinct global /64s', () => {
  const link = [{ address: '02:00:00:00:00:01' }];
  const addr = [{
    addr_info: [
      { family: 'inet6', local: 'fe80::9', prefixlen: 64, scope: 'link', tentative: true },
      { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
      { family: 'inet6', local: 'fe80::2', prefixlen: 64, scope: 'link', dadfailed: true },
      { family: 'inet6', local: 'fe80::3', prefixlen: 64, scope: 'link' },
      { family: 'inet6', local: '2001:db8:1::1', prefixlen: 64, scope: 'global' },
      { family: 'inet6', local: '2001:db8:1::2', prefixlen: 64, scope: 'global' },
      { family: 'inet6', local: '2001:db8:2::1', prefixlen: 64, scope: 'global', deprecated: true },
      { family: 'inet6', local: '2001:db8:3::1', prefixlen: 56, scope: 'global' },
      { family: 'inet', local: '192.0.2.1', prefixlen: 24, scope: 'global' },
    ],
  }];
  assert.deepEqual(factsFromIp(link, addr), {
    mac: '02:00:00:00:00:01',
    linkLocal: 'fe80::1',
    linkLocalAddresses: ['fe80::1', 'fe80::3'],
    globalPrefixes: ['2001:db8:1::/64'],
    globalAddresses: ['2001:db8:1::1', '2001:db8:1::2', '2001:db8:3::1'],
  });
  assert.deepEqual(factsFromIp([], []), { linkLocalAddresses: [], globalPrefixes: [], globalAddresses: [] });
});
