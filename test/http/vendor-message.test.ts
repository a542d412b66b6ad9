import { describe, expect, it } from 'vitest';
import { excerpt, vendorMessage } from '../../src/http/vendor-message.js';

describe('vendorMessage', () => {
  it.each([
    { shape: 'OAuth with description', body: { error: 'invalid_client', error_description: 'Client authentication failed' }, out: 'Client authentication failed (invalid_client)' },
    { shape: 'OAuth bare', body: { error: 'invalid_scope' }, out: 'invalid_scope' },
    { shape: 'NinjaOne 401', body: { error: 'not_authenticated', error_description: 'Invalid credentials', error_code: 10 }, out: 'Invalid credentials (not_authenticated)' },
    {
      shape: 'NinjaOne failure',
      body: { resultCode: 'FAILURE', errorMessage: 'HTTP 404 Not Found', incidentId: 'WEB_MGMT_SERVICE-2a-1654890304-TFZFNUTF' },
      out: 'HTTP 404 Not Found [incident WEB_MGMT_SERVICE-2a-1654890304-TFZFNUTF]',
    },
    { shape: 'NinjaOne specific code', body: { resultCode: 'invalid_node_role', errorMessage: 'Role not allowed' }, out: 'Role not allowed (invalid_node_role)' },
    { shape: '.NET exception', body: { ClassName: 'System.Exception', Message: 'Asset tag already in use' }, out: 'Asset tag already in use' },
    { shape: '{Message}', body: { Message: 'You do not have access' }, out: 'You do not have access' },
    { shape: '{message}', body: { message: 'rate limited' }, out: 'rate limited' },
    { shape: 'bare JSON string', body: 'Please enter a valid Site', out: 'Please enter a valid Site' },
    { shape: 'problem details', body: { title: 'One or more validation errors occurred.', errors: { client_id: ['The client is required.'] } }, out: 'One or more validation errors occurred.: client_id: The client is required.' },
    { shape: 'array of messages', body: [{ Message: 'a' }, { Message: 'b' }], out: 'a; b' },
    { shape: 'nested error object', body: { error: { message: 'inner' } }, out: 'inner' },
    { shape: 'no message', body: { id: 4 }, out: undefined },
  ])('reads $shape', ({ body, out }) => {
    expect(vendorMessage(body, JSON.stringify(body))).toBe(out);
  });

  it.each([
    { text: '<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>', out: '404 Not Found' },
    { text: '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>Down for &amp; maintenance</h1></body></html>', out: 'Service Unavailable: Down for & maintenance' },
    { text: '<html><body><h1>Runtime <b>Error</b></h1></body></html>', out: 'Runtime Error' },
    { text: 'Rate Limit Reached - 300 Requests per rolling 5 minute window\nmore', out: 'Rate Limit Reached - 300 Requests per rolling 5 minute window' },
    { text: '', out: undefined },
  ])('reads text: $out', ({ text, out }) => {
    expect(vendorMessage(undefined, text)).toBe(out);
  });

  it('clips long messages to 300 characters', () => {
    expect(vendorMessage({ Message: 'x'.repeat(1000) }, '')).toHaveLength(300);
  });
});

describe('excerpt', () => {
  it('collapses whitespace and clips to 300 characters', () => {
    expect(excerpt('  a\n\n b  ')).toBe('a b');
    expect(excerpt('y'.repeat(500))).toBe(`${'y'.repeat(299)}…`);
    expect(excerpt('   ')).toBeUndefined();
  });
});
