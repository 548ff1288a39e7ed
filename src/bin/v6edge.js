#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
// The `v6edge` command. Sources are TypeScript run directly by Node 24's type stripping.
import { main } from '../cli/main.ts';
import { processIo } from '../cli/io.ts';

process.exitCode = await main(process.argv.slice(2), processIo);
