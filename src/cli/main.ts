#!/usr/bin/env node
/** The `haloform` executable. */

import { runCli } from './cli.js';
import { processIo } from './io.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
