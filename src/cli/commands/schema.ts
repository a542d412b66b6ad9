/** `haloform schema`: print the spec's JSON Schema, for editors and other tools; it takes no options. */

import type { Argv } from 'yargs';
import { specSchemaText } from '../../config/schema.js';
import type { CommandContext } from '../context.js';
import type { SelectCommand } from '../options.js';

/** Declares `haloform schema` on the parser. */
export function declareSchema(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'schema',
    "Print the spec's JSON Schema (for editors and other tools)",
    (y) => y,
    () => select((ctx) => schemaCommand(ctx)),
  );
}

export function schemaCommand(ctx: CommandContext): number {
  ctx.io.stdout.write(specSchemaText());
  return 0;
}
