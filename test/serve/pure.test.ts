/** The pure parts of serve: what haloform writes into Halo, how a failure is judged, which series an activity is in. */

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/index.js';
import { seriesKey, severityOf } from '../../src/rmm/ninjaone/activity.js';
import { classifyFailure, PermanentError } from '../../src/serve/errors.js';
import { escapeHtml, isHaloformNote, resetNoteHtml, ticketDetailsHtml, ticketSummary } from '../../src/serve/ticket-content.js';

function apiError(fields: Partial<ConstructorParameters<typeof ApiError>[1]>): ApiError {
  return new ApiError('x', { code: 'http_500', api: 'Halo', method: 'POST', path: '/api/Tickets', label: 'POST /api/Tickets', retryable: false, attempts: 1, maybeApplied: false, ...fields });
}

describe('classifyFailure', () => {
  it.each([
    ['a 500 that may pass', apiError({ code: 'http_500', retryable: true, maybeApplied: true }), 'retry'],
    ['a timeout', apiError({ code: 'timeout', retryable: true }), 'retry'],
    ['a 429', apiError({ code: 'rate_limited', status: 429, retryable: true }), 'rate-limited'],
    ['a 400 Halo refuses', apiError({ code: 'http_400', status: 400 }), 'permanent'],
    ['a 403', apiError({ code: 'http_403', status: 403 }), 'permanent'],
    ['a cancelled call', apiError({ code: 'aborted' }), 'retry'],
    ['what only a person can fix', new PermanentError('run apply'), 'permanent'],
    ['a bug', new TypeError('x is undefined'), 'permanent'],
    ['anything else', new Error('SQLITE_BUSY'), 'retry'],
  ])('%s: %s', (_, error, kind) => {
    expect(classifyFailure(error)).toBe(kind);
  });
});

describe('ticket content', () => {
  const activity = { id: 5, activityType: 'CONDITION', statusCode: 'TRIGGERED', message: 'Disk <C:> is "full" & slow', activityTime: 1742391675.556, severity: 'major', params: { value: 95, unit: '%' } };

  it('summarises as device: message, cut to 250 characters', () => {
    expect(ticketSummary(activity, 'PC-1')).toBe('PC-1: Disk <C:> is "full" & slow');
    expect(ticketSummary({ ...activity, message: 'x'.repeat(400) }, 'PC-1')).toHaveLength(250);
    expect(ticketSummary({ ...activity, message: '' }, undefined)).toBe('NinjaOne alert');
  });

  it('escapes every value in the details', () => {
    const html = ticketDetailsHtml(activity, { id: 7, name: '<script>' }, { how: 'asset' }, {});

    expect(html).toContain('Disk &lt;C:&gt; is &quot;full&quot; &amp; slow');
    expect(html).toContain('&lt;script&gt; (NinjaOne id 7)');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<th align="left">Severity</th><td>MAJOR</td>');
    expect(html).toContain('<th align="left">Triggered</th><td>2025-03-19 13:41 UTC</td>');
  });

  it('marks its own notes', () => {
    expect(isHaloformNote(resetNoteHtml(activity, false))).toBe(true);
    expect(isHaloformNote('<p>Called the customer</p>')).toBe(false);
    expect(escapeHtml(`'`)).toBe('&#39;');
  });
});

describe('series and severity', () => {
  it.each([
    [{ seriesUid: 'u-1', deviceId: 7, sourceConfigUid: 'c' }, 'u-1'],
    [{ deviceId: 7, sourceConfigUid: 'c' }, 'device:7/config:c'],
    [{ id: 9 }, 'activity:9'],
  ])('%j is in series %s', (activity, key) => {
    expect(seriesKey(activity)).toBe(key);
  });

  it.each([
    ['CRITICAL', 'CRITICAL'],
    ['minor', 'MINOR'],
    ['SEVERE', 'NONE'],
    [undefined, 'NONE'],
  ])('severity %s counts as %s', (severity, expected) => {
    expect(severityOf({ severity })).toBe(expected);
  });
});
