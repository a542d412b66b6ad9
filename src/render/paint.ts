/**
 * Colours, injected: every renderer takes a Paint rather than reaching for a global, so golden
 * output is rendered without colour and one test checks the colours.
 */

import kleur from 'kleur';

type Style = (text: string) => string;

export interface Paint {
  readonly enabled: boolean;
  red: Style;
  green: Style;
  yellow: Style;
  cyan: Style;
  bold: Style;
  dim: Style;
  underline: Style;
}

const plain: Style = (text) => text;

export function createPaint(enabled: boolean): Paint {
  if (!enabled) {
    return { enabled, red: plain, green: plain, yellow: plain, cyan: plain, bold: plain, dim: plain, underline: plain };
  }
  // kleur's `enabled` switch is global; calling through a fresh chain with it forced on keeps
  // this Paint independent of whatever the rest of the process set.
  const on = (apply: (k: typeof kleur) => Style): Style => (text) => {
    const before = kleur.enabled;
    kleur.enabled = true;
    try {
      return apply(kleur)(text);
    } finally {
      kleur.enabled = before;
    }
  };
  return {
    enabled,
    red: on((k) => k.red),
    green: on((k) => k.green),
    yellow: on((k) => k.yellow),
    cyan: on((k) => k.cyan),
    bold: on((k) => k.bold),
    dim: on((k) => k.dim),
    underline: on((k) => k.underline),
  };
}

/**
 * Whether to colour a stream: never with --no-color, always with --color; else never with a
 * non-empty NO_COLOR (no-color.org), always with FORCE_COLOR set to anything but 0, never on
 * TERM=dumb, otherwise only on a terminal.
 */
export function colourWanted(options: { flag?: boolean; env: Record<string, string | undefined>; isTTY: boolean }): boolean {
  if (options.flag === false) return false;
  // --color asks for colour whatever the stream (a pipe to `less -R`); NO_COLOR still wins over the environment's FORCE_COLOR, not over the flag.
  if (options.flag === true) return true;
  if (options.env.NO_COLOR) return false;
  const force = options.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0';
  // A terminal that says it shows no colour.
  if (options.env.TERM === 'dumb') return false;
  return options.isTTY;
}
