#!/usr/bin/env node
import { runCli } from './run-cli.js';

// Exit explicitly: a client socket still closing must not keep `livecart-services` alive.
process.exit(await runCli(process.argv.slice(2)));
