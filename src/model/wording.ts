/** How the model's diagnostics write lists of things and values a user may copy into the spec. */

/** "a, b, c and 4 more"; items that hold commas themselves are better joined with "; ". */
export function list(items: readonly string[], max = 8, separator = ', '): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)} and ${items.length - max} more`;
}

/** A name as it can be pasted into the YAML: plain when that is safe, else quoted. */
export function yamlScalar(text: string): string {
  return /^[A-Za-z][A-Za-z0-9 ._-]*$/.test(text) && !/[:#]/.test(text) ? text : JSON.stringify(text);
}
