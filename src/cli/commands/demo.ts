/**
 * `haloform demo` (what `npm start` runs): the most complete tour haloform can give without any
 * account. Today: load the sandbox demo spec and show it validated and normalised.
 */

import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { loadSpecFile } from '../../config/load.js';
import type { Spec } from '../../config/spec.js';
import { PACKAGE_ROOT } from '../../version.js';
import type { CommandContext } from '../context.js';
import { displayPath, summarise } from './validate.js';

export interface DemoArgs {
  config?: string;
}

export function demoCommand(args: DemoArgs, ctx: CommandContext): number {
  const path = displayPath(args.config ?? fileURLToPath(new URL('config/demo.yaml', PACKAGE_ROOT)), ctx.io.cwd);
  const { out } = ctx;
  ctx.io.stdout.write(`${out.bold('haloform demo')} — step 1: validate the demo spec\n\n  $ haloform validate -c ${path}\n\n`);
  const loaded = loadSpecFile(path, ctx.io.env, ctx.io.cwd);
  ctx.printDiagnostics(loaded.diagnostics, [loaded.source]);
  if (hasErrors(loaded.diagnostics) || !loaded.spec) {
    ctx.io.stderr.write(`The demo spec ${path} does not validate; see above.\n`);
    return 1;
  }
  ctx.io.stdout.write(`${out.green(out.bold('Success!'))} ${path} is valid.\n${summarise(loaded.spec)}\n`);
  ctx.io.stdout.write(`${out.bold('Step 2:')} the spec as haloform reads it — defaults filled in, secrets hidden:\n\n`);
  ctx.io.stdout.write(indent(stringify(normalisedView(loaded.spec), { lineWidth: 100 })));
  ctx.io.stdout.write(
    [
      '',
      `Spec hash: ${loaded.hash}`,
      '',
      'Try next:',
      `  haloform validate -c ${path}     # the same check, on its own`,
      '  haloform init my-spec.yaml                # a starter spec of your own',
      '  haloform schema                           # the JSON Schema, for your editor',
      '',
    ].join('\n'),
  );
  return 0;
}

/** The normalised spec as plain data: secrets as "(sensitive)", no source positions. */
function normalisedView(spec: Spec): unknown {
  return JSON.parse(JSON.stringify(spec, (key, value: unknown) => (key === 'path' ? undefined : value)));
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `    ${line}` : line))
    .join('\n');
}
