/** Where the model stage's steps put the problems they find, for desiredState to return. */

import type { Diagnostic } from '../diagnostics/diagnostic.js';

/** The diagnostics the resolvers add to, each list in the order the plan shows it. */
export interface Report {
  errors: Diagnostic[];
  warnings: Diagnostic[];
}
