/** What an API client's options leave to its caller: the shared logger, redactor, accounting, clock, transport… */

import type { HttpClientOptions } from './http-client.js';

export type SharedHttpOptions = Omit<Partial<HttpClientOptions>, 'api' | 'baseUrl' | 'credentials'>;
