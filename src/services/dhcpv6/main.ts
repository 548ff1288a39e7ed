// A stand-alone DHCPv6 server until the daemon runs it: `node main.ts --store FILE --config FILE.yaml`.
// Prints `ready` once every socket is open; SIGUSR1 prints `status {json}`; SIGTERM stops it.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfigYaml } from '../../config/yaml.ts';
import { validateConfig } from '../../config/validate.ts';
import { describe } from '../../lib/result.ts';
import { openStore } from '../../store/store.ts';
import { Dhcpv6Server } from './runner.ts';

function fail(message: string): never {
  process.stderr.write(`v6edge-dhcpv6: ${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({ options: { store: { type: 'string' }, config: { type: 'string' } } });
if (values.store === undefined || values.config === undefined) fail('usage: main.ts --store FILE --config FILE.yaml');

const config = parseConfigYaml(readFileSync(values.config, 'utf8'));
if (!config.ok) fail(config.error.map(describe).join('\n'));
const store = openStore({ path: values.store, validate: validateConfig });
if (!store.ok) fail(describe(store.error));

const server = new Dhcpv6Server({ store: store.value, config: config.value });
server.on('lease', (e) => process.stdout.write(`lease ${e.action} ${e.lease.iface} ${e.lease.kind} ${e.lease.lease} ${e.lease.duid}\n`));
server.on('error', (e) => process.stderr.write(`error ${e.message}\n`));
const started = await server.start();
if (!started.ok) fail(describe(started.error));
process.stdout.write(`ready ${JSON.stringify(Object.keys(server.status().leases))}\n`);

process.on('SIGUSR1', () => process.stdout.write(`status ${JSON.stringify(server.status())}\n`));
const shutdown = (): void => {
  void server.stop().then(() => {
    store.value.close();
    process.exit(0);
  });
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
