import { describe, expect, it } from 'vitest';
import { renderDiagnostic, renderDiagnostics } from '../../src/diagnostics/render.js';
import { createPaint, colourWanted } from '../../src/render/paint.js';
import { BASE, load } from '../helpers/spec.js';

const text = `${BASE}alerts:\n  ticketType: Alert\n  onReset: clsoe\n`;

describe('rendering a diagnostic', () => {
  it('shows severity, summary, file, line, column, path, the line itself with a marker, then the detail', () => {
    const { diagnostics, source } = load(text);

    const out = renderDiagnostic(diagnostics[0]!, { paint: createPaint(false), sources: new Map([[source.path, source]]) });

    expect(out).toBe(
      [
        'Error: Invalid value',
        '',
        '  on spec.yaml line 14, column 12, in alerts.onReset:',
        '  14:   onReset: clsoe',
        '                 ^^^^^',
        '',
        '"clsoe" is not a valid value for alerts.onReset. Expected one of: close, note, none. Did you mean "close"?',
      ].join('\n'),
    );
  });

  it('colours the severity and the marker when colour is on', () => {
    const { diagnostics, source } = load(text);

    const out = renderDiagnostic(diagnostics[0]!, { paint: createPaint(true), sources: new Map([[source.path, source]]) });

    expect(out.split('\n')[0]).toBe('\u001b[1m\u001b[31mError:\u001b[39m\u001b[22m \u001b[1mInvalid value\u001b[22m');
    expect(out.split('\n')[4]).toBe('\u001b[31m                 ^^^^^\u001b[39m');
  });

  it('renders a warning without a location', () => {
    const out = renderDiagnostics([{ severity: 'warning', summary: 'Something odd', detail: 'Look at it.' }], { paint: createPaint(false) });

    expect(out).toBe('Warning: Something odd\n\nLook at it.\n');
  });
});

describe('deciding on colour', () => {
  it.each([
    { flag: undefined, env: {}, isTTY: true, wanted: true },
    { flag: undefined, env: {}, isTTY: false, wanted: false },
    { flag: false, env: {}, isTTY: true, wanted: false },
    { flag: undefined, env: { NO_COLOR: '1' }, isTTY: true, wanted: false },
    { flag: undefined, env: { NO_COLOR: '' }, isTTY: true, wanted: true },
    { flag: undefined, env: { FORCE_COLOR: '1' }, isTTY: false, wanted: true },
    { flag: undefined, env: { FORCE_COLOR: '0' }, isTTY: true, wanted: false },
  ])('flag=$flag env=$env tty=$isTTY → $wanted', ({ flag, env, isTTY, wanted }) => {
    expect(colourWanted({ flag, env, isTTY })).toBe(wanted);
  });
});
