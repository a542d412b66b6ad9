/** `haloform schema`: print the spec's JSON Schema, for editors and other tools. */

import { specSchemaText } from '../../config/schema.js';
import type { CommandContext } from '../context.js';

export function schemaCommand(ctx: CommandContext): number {
  ctx.io.stdout.write(specSchemaText());
  return 0;
}
