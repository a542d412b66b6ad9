/** Condition parameters and codes in words (src/serve/humanise.ts): each kind of value, and garbage that must never throw. */

import { describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime, formatDuration, formatNumber, humaniseCode, humaniseParams, paramLabel } from '../../src/serve/humanise.js';

/** The parameters as label → text, in order. */
function rows(params: Record<string, unknown>): [string, string][] {
  return humaniseParams(params).map((p) => [p.label, p.text]);
}

describe('humaniseParams', () => {
  it('reads the real VMware memory capture (reference/ninjaone/webhook-samples)', () => {
    const params = { duration: 5, end_date: 1742391675556, start_date: 1742391365182, target: '_average_', threshold: 80, unit: '%', value: 84.80957683284261 };

    const result = rows(params);

    expect(result).toEqual([
      ['Duration', '5 minutes'],
      ['End', '2025-03-19 13:41 UTC'],
      ['Start', '2025-03-19 13:36 UTC'],
      ['Target', '_average_'],
      ['Threshold', '80 %'],
      ['Value', '84.8 %'],
    ]);
  });

  it.each([
    ['epoch milliseconds', { start_date: 1742391365182 }, ['Start', '2025-03-19 13:36 UTC']],
    ['epoch seconds', { end_date: 1742391675 }, ['End', '2025-03-19 13:41 UTC']],
    ['epoch seconds with a fraction', { end_date: 1742391675.556 }, ['End', '2025-03-19 13:41 UTC']],
    ['epoch milliseconds as a digit string', { end_date: '1742391675556' }, ['End', '2025-03-19 13:41 UTC']],
    ['an ISO string with Z (NOTES §0)', { nodeContactTime: '2026-06-11T17:17:13.259Z' }, ['Node contact time', '2026-06-11 17:17 UTC']],
    ['an ISO string with an offset', { event_time: '2024-10-31T01:49:52+02:00' }, ['Event time', '2024-10-30 23:49 UTC']],
    ['an ISO string without a zone, left as sent', { event_time: '2024-10-30T23:49:52' }, ['Event time', '2024-10-30T23:49:52']],
    ['a *_at key', { created_at: 1742391675 }, ['Created at', '2025-03-19 13:41 UTC']],
    ['a small number under a time key (a response time, not a date)', { responseTime: 35 }, ['Response time', '35']],
  ])('dates: %s', (_, params, row) => {
    expect(rows(params)).toEqual([row]);
  });

  it.each([
    ['4 GiB of capacity', { capacity: 4294967296 }, ['Capacity', '4.0 GB']],
    ['512 MiB of free space', { freeSpace: 536870912 }, ['Free space', '512 MB']],
    ['a disk of 476 GiB', { total_space: 511101108224 }, ['Total space', '476 GB']],
    ['a few bytes', { size: 512 }, ['Size', '512 B']],
    ['bytes as a digit string', { bytes: '1536' }, ['Bytes', '1.5 KB']],
    ['a threshold whose unit is bytes', { threshold: 1073741824, unit: 'bytes' }, ['Threshold', '1.0 GB']],
    ['zero', { free_space: 0 }, ['Free space', '0 B']],
  ])('sizes: %s', (_, params, row) => {
    expect(rows(params)).toEqual([row]);
  });

  it.each([
    ['minutes, as NinjaOne sends duration', { duration: 5 }, ['Duration', '5 minutes']],
    ['one minute', { duration: 1 }, ['Duration', '1 minute']],
    ['an hour and a half', { duration: 90 }, ['Duration', '1 h 30 min']],
    ['two hours', { duration: 120 }, ['Duration', '2 hours']],
    ['days and hours', { duration: 1500 }, ['Duration', '1 d 1 h']],
    ['seconds where the key says so', { duration_seconds: 45 }, ['Duration seconds', '45 seconds']],
    ['seconds and minutes', { uptimeSeconds: 250 }, ['Uptime seconds', '4 min 10 s']],
    ['milliseconds where the key says so', { timeout_ms: 250 }, ['Timeout ms', '250 ms']],
    ['a fraction of a minute', { duration: 2.5 }, ['Duration', '2 min 30 s']],
    ['zero', { duration: 0 }, ['Duration', '0 seconds']],
    ['a threshold in seconds by its unit', { threshold: 3600, unit: 'seconds' }, ['Threshold', '1 hour']],
  ])('durations: %s', (_, params, row) => {
    expect(rows(params)).toEqual([row]);
  });

  it.each([
    ['a fraction, rounded', { value: 84.80957683284261, unit: '%' }, [['Value', '84.8 %']]],
    ['a whole number', { threshold: 80, unit: '%' }, [['Threshold', '80 %']]],
    ['a digit string (the patch alert: threshold "30")', { threshold: '30', unit: '%' }, [['Threshold', '30 %']]],
    ['almost 100', { value: 99.99, unit: '%' }, [['Value', '100 %']]],
    ['a small fraction', { value: 0.042, unit: '%' }, [['Value', '0.042 %']]],
    ['a percent key without a unit', { free_space_percent: 12.345 }, [['Free space percent', '12.3 %']]],
    ['another unit', { threshold: 500, value: 612.5, unit: 'ms' }, [['Threshold', '500 ms'], ['Value', '613 ms']]],
    ['an unknown unit', { threshold: 3, unit: 'packets' }, [['Threshold', '3 packets']]],
    ['a unit no value takes is shown on its own', { target: '_average_', unit: '%' }, [['Target', '_average_'], ['Unit', '%']]],
  ])('percentages and units: %s', (_, params, expected) => {
    expect(rows(params)).toEqual(expected);
  });

  it('keeps unknown keys and values as sent, and joins lists', () => {
    const params = { event_id: '41', event_source: 'Microsoft-Windows-Kernel-Power', drive: 'C:', top_processes: ['chrome.exe', 'svchost.exe'], enabled: true, missing: null };

    expect(rows(params)).toEqual([
      ['Event ID', '41'],
      ['Event source', 'Microsoft-Windows-Kernel-Power'],
      ['Drive', 'C:'],
      ['Top processes', 'chrome.exe, svchost.exe'],
      ['Enabled', 'true'],
      ['Missing', '(none)'],
    ]);
  });

  it.each([
    ['NaN', { duration: Number.NaN }, ['Duration', 'NaN']],
    ['Infinity', { capacity: Number.POSITIVE_INFINITY }, ['Capacity', 'Infinity']],
    ['a negative size', { capacity: -5 }, ['Capacity', '-5']],
    ['a negative duration', { duration: -3 }, ['Duration', '-3']],
    ['a negative date', { start_date: -1742391365182 }, ['Start', '-1742391365182']],
    ['a date too far in the future', { end_date: 8.64e15 + 1 }, ['End', '8640000000000001']],
    ['a huge size', { capacity: 1e30 }, ['Capacity', '867361737988 EB']],
    ['a huge duration', { duration: 1e300 }, ['Duration', '1e+300']],
    ['text where a date belongs', { start_date: 'yesterday' }, ['Start', 'yesterday']],
    ['an impossible ISO date', { start_date: '2025-13-45T99:99:99Z' }, ['Start', '2025-13-45T99:99:99Z']],
    ['text where a size belongs', { freeSpace: 'lots' }, ['Free space', 'lots']],
    ['text where a percentage belongs', { value: 'high', unit: '%' }, [['Value', 'high'], ['Unit', '%']]],
    ['a nested object', { top_processes: [{ name: 'chrome.exe', cpu: 12.5 }] }, ['Top processes', '[{"name":"chrome.exe","cpu":12.5}]']],
    ['an object where a number belongs', { threshold: { min: 1 }, unit: '%' }, [['Threshold', '{"min":1}'], ['Unit', '%']]],
    ['a non-string unit', { threshold: 80, unit: 7 }, [['Threshold', '80'], ['Unit', '7']]],
  ])('never throws on garbage: %s', (_, params, expected) => {
    const result = rows(params as Record<string, unknown>);

    expect(result).toEqual(Array.isArray(expected[0]) ? expected : [expected]);
  });

  it('leaves out empty values, cuts long ones, and counts what does not fit', () => {
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`key_${i}`, i]));

    expect(rows({ empty: '', blank: '   ', kept: 'x' })).toEqual([['Kept', 'x']]);
    expect(humaniseParams({ msg: 'y'.repeat(5000) })[0]!.text).toHaveLength(1000);
    expect(humaniseParams(many)).toHaveLength(40);
    expect(humaniseParams(many).at(-1)).toEqual({ key: '…', label: '…', text: '21 more values not shown' });
  });

  it.each([undefined, null, 'text', 42, ['a']])('takes %j as no parameters', (params) => {
    expect(humaniseParams(params as unknown as Record<string, unknown>)).toEqual([]);
  });
});

describe('paramLabel', () => {
  it.each([
    ['start_date', 'Start'],
    ['end_date', 'End'],
    ['date', 'Date'],
    ['top_processes', 'Top processes'],
    ['nodeContactTime', 'Node contact time'],
    ['freeSpace', 'Free space'],
    ['event_id', 'Event ID'],
    ['CPUUsage', 'CPU usage'],
    ['msg', 'Message'],
    ['cond_name', 'Condition name'],
    ['_average_', 'Average'],
    ['', '(no name)'],
    ['___', '___'],
    ['日本', '日本'],
  ])('%j → %j', (key, label) => {
    expect(paramLabel(key)).toBe(label);
  });
});

describe('humaniseCode', () => {
  it.each([
    ['vmm_cond_memory_usage_ge', { threshold: 80, unit: '%' }, 'Memory usage at or above 80 %'],
    ['agent_win_cond_disk_free_le', { threshold: 10, unit: '%' }, 'Disk free at or below 10 %'],
    ['agent_win_cond_patch_cvss_ge_md', { threshold: 7 }, 'Patch CVSS at or above 7'],
    ['agent_cond_os_last_patch', { threshold: '30' }, 'OS last patch'],
    ['agent_cond_eventlog2', {}, 'Event log'],
    ['agent_cond_script_result', undefined, 'Script result'],
    ['agent_act_sys_reboot', {}, 'System reboot'],
    ['conditions_device_offline_triggered_with_cond_name', { cond_name: 'Device offline for 15 minutes' }, 'Device offline for 15 minutes'],
    ['conditions_device_offline_triggered_with_cond_name', {}, 'Device offline'],
    ['ge', {}, 'ge'],
    ['', {}, undefined],
    [undefined, {}, undefined],
  ])('%j with %j → %j', (code, params, text) => {
    expect(humaniseCode(code, params)).toBe(text);
  });
});

describe('formatters', () => {
  it.each([
    [0, '0'],
    [80, '80'],
    [84.80957683284261, '84.8'],
    [2.345, '2.35'],
    [0.5, '0.5'],
    [-12.34, '-12.3'],
    [1e21, '1e+21'],
    [Number.NaN, 'NaN'],
  ])('formatNumber(%d) = %s', (n, text) => {
    expect(formatNumber(n)).toBe(text);
  });

  it.each([
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1.5 * 1024 ** 3, '1.5 GB'],
    [-1, undefined],
    [Number.NaN, undefined],
  ])('formatBytes(%d) = %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it.each([
    [0.25, '250 ms'],
    [1, '1 second'],
    [61, '1 min 1 s'],
    [3660, '1 h 1 min'],
    [86400, '1 day'],
    [-1, undefined],
    [Number.POSITIVE_INFINITY, undefined],
  ])('formatDuration(%d s) = %s', (n, text) => {
    expect(formatDuration(n)).toBe(text);
  });

  it.each([
    [1742391675556, '2025-03-19 13:41 UTC'],
    [0, '1970-01-01 00:00 UTC'],
    [Number.NaN, undefined],
    [1e17, undefined],
  ])('formatDateTime(%d) = %s', (n, text) => {
    expect(formatDateTime(n)).toBe(text);
  });
});
