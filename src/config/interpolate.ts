/**
 * `${VAR}` and `${VAR:-default}` in spec values, read from the environment. Pure: the
 * environment is passed in. `$${` writes a literal `${`.
 */

export interface Interpolation {
  /** The string with every reference replaced. */
  value: string;
  /** Names of the variables referenced, in order. */
  variables: string[];
}

export type InterpolationProblem =
  | { kind: 'missing'; variable: string; offset: number; length: number }
  | { kind: 'malformed'; text: string; offset: number; length: number }
  | { kind: 'nested'; text: string; offset: number; length: number };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Replaces references in `text`; problems carry the offset of the reference within `text`. */
export function interpolate(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): { result: Interpolation; problems: InterpolationProblem[] } {
  const variables: string[] = [];
  const problems: InterpolationProblem[] = [];
  let value = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar === -1) {
      value += text.slice(i);
      break;
    }
    value += text.slice(i, dollar);
    if (text.startsWith('$${', dollar)) {
      value += '${';
      i = dollar + 3;
      continue;
    }
    if (!text.startsWith('${', dollar)) {
      value += '$';
      i = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    if (close === -1) {
      problems.push({ kind: 'malformed', text: text.slice(dollar), offset: dollar, length: text.length - dollar });
      value += text.slice(dollar);
      break;
    }
    const inner = text.slice(dollar + 2, close);
    if (inner.includes('${')) {
      // `${A:-${B:-x}}`: a default that is itself a reference. Not supported — say so rather than
      // read it as a default of "${B:-x" followed by a stray "}".
      let end = close + 1;
      while (text[end] === '}') end += 1;
      problems.push({ kind: 'nested', text: text.slice(dollar, end), offset: dollar, length: end - dollar });
      value += text.slice(dollar, end);
      i = end;
      continue;
    }
    const sep = inner.indexOf(':-');
    const name = sep === -1 ? inner : inner.slice(0, sep);
    const fallback = sep === -1 ? undefined : inner.slice(sep + 2);
    const reference = text.slice(dollar, close + 1);
    if (!NAME.test(name)) {
      problems.push({ kind: 'malformed', text: reference, offset: dollar, length: reference.length });
      value += reference;
    } else {
      variables.push(name);
      const set = env[name];
      // As in the shell: `:-` also replaces a variable that is set but empty.
      if (set !== undefined && (fallback === undefined || set !== '')) value += set;
      else if (fallback !== undefined) value += fallback;
      else {
        // Kept as written, so a caller that carries on (validate) shows the reference, not "".
        value += reference;
        problems.push({ kind: 'missing', variable: name, offset: dollar, length: reference.length });
      }
    }
    i = close + 1;
  }
  return { result: { value, variables }, problems };
}
