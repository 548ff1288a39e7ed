import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoError, socketProblem, toIoError, type SocketContext, type SystemErrorFields } from '../../src/io/errors.ts';

const lan: SocketContext = { ifname: 'lan0' };
const inNs: SocketContext = { ifname: 'lan0', netns: 'lab-router' };
const sys = (code: string, syscall: string): SystemErrorFields => ({ code, syscall, message: `${syscall}: text` });

const cases: ReadonlyArray<readonly [SystemErrorFields, SocketContext, string]> = [
  [sys('EPERM', 'socket'), lan, 'socket on lan0 needs CAP_NET_RAW (run as root or grant the capability)'],
  [sys('EACCES', 'socket'), inNs, 'socket on lan0 in network namespace lab-router needs CAP_NET_RAW (run as root or grant the capability)'],
  [sys('EACCES', 'bind'), { ifname: 'lan0', address: 'ff02::1:2%lan0' }, 'binding ff02::1:2%lan0 on lan0 needs CAP_NET_BIND_SERVICE (run as root or grant the capability)'],
  [sys('EPERM', 'setns'), inNs, 'entering network namespace lab-router needs CAP_SYS_ADMIN (run as root)'],
  [sys('ENODEV', 'if_nametoindex'), lan, 'interface lan0 does not exist'],
  [sys('ENODEV', 'SO_BINDTODEVICE'), inNs, 'interface lan0 does not exist in network namespace lab-router'],
  [sys('ENOENT', 'open netns'), inNs, 'network namespace lab-router does not exist (see ip netns list)'],
  [sys('EINVAL', 'sendmsg'), { ifname: 'lan0', address: '2001:db8::1' }, '2001:db8::1 is not assigned to lan0, or is still tentative (DAD)'],
  [sys('EADDRNOTAVAIL', 'bind'), { ifname: 'lan0', address: 'fe80::1%lan0' }, 'fe80::1%lan0 is not assigned to lan0, or is still tentative (DAD)'],
  [sys('ENETDOWN', 'sendmsg'), lan, 'interface lan0 is down: bring it up and retry'],
  [sys('EADDRINUSE', 'bind'), { ifname: 'lan0', address: 'ff02::1:2%lan0' }, 'ff02::1:2%lan0 on lan0 is already in use by another socket without reuseAddr'],
  [sys('EINVAL', 'SO_ATTACH_FILTER'), lan, 'SO_ATTACH_FILTER failed on lan0: SO_ATTACH_FILTER: text'],
  [sys('ENOENT', 'bind'), lan, 'bind failed on lan0: bind: text'],
];

for (const [error, at, sentence] of cases) {
  test(`${error.code} from ${error.syscall} reads "${sentence}"`, () => {
    assert.deepEqual(socketProblem(error, at), { code: error.code, message: sentence });
  });
}

test('toIoError keeps the errno name as code and the original as cause', () => {
  const original = Object.assign(new Error('socket: Operation not permitted'), { code: 'EPERM', syscall: 'socket' });
  const wrapped = toIoError(original, lan);
  assert.ok(wrapped instanceof IoError);
  assert.equal(wrapped.code, 'EPERM');
  assert.equal(wrapped.cause, original);
  assert.match(wrapped.message, /needs CAP_NET_RAW/);
});

test('toIoError passes errors without an errno name through', () => {
  const plain = new TypeError('expected a Uint8Array');
  assert.equal(toIoError(plain, lan), plain);
});
