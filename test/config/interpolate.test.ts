import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/config/interpolate.js';

describe('interpolate', () => {
  const env = { HOST: 'halo.example', EMPTY: '', PORT: '8080' };

  it.each([
    { text: 'plain', value: 'plain', variables: [] },
    { text: '${HOST}', value: 'halo.example', variables: ['HOST'] },
    { text: 'https://${HOST}:${PORT}/api', value: 'https://halo.example:8080/api', variables: ['HOST', 'PORT'] },
    { text: '${MISSING:-fallback}', value: 'fallback', variables: ['MISSING'] },
    { text: '${EMPTY:-fallback}', value: 'fallback', variables: ['EMPTY'] },
    { text: '${EMPTY}', value: '', variables: ['EMPTY'] },
    { text: '${MISSING:-}', value: '', variables: ['MISSING'] },
    { text: '${MISSING:-a:-b}', value: 'a:-b', variables: ['MISSING'] },
    { text: 'cost $5', value: 'cost $5', variables: [] },
    { text: 'literal $${HOST}', value: 'literal ${HOST}', variables: [] },
  ])('$text → $value', ({ text, value, variables }) => {
    const { result, problems } = interpolate(text, env);

    expect(problems).toEqual([]);
    expect(result).toEqual({ value, variables });
  });

  it('reports a missing variable with its offset, and keeps the reference', () => {
    const { result, problems } = interpolate('x-${NOPE}-y', env);

    expect(problems).toEqual([{ kind: 'missing', variable: 'NOPE', offset: 2, length: 7 }]);
    expect(result.value).toBe('x-${NOPE}-y');
  });

  it.each([
    { text: '${not closed', bad: '${not closed' },
    { text: 'a ${1ABC} b', bad: '${1ABC}' },
    { text: '${}', bad: '${}' },
  ])('reports a malformed reference in $text', ({ text, bad }) => {
    const { problems } = interpolate(text, env);

    expect(problems).toEqual([{ kind: 'malformed', text: bad, offset: text.indexOf(bad), length: bad.length }]);
  });
});
