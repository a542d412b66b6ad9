/** The HTTP layer's public surface: what the NinjaOne and Halo clients, serve and the CLI import. */

export { Accounting, formatBytes, formatMs, renderStatsTable, sumStats, type LabelStats } from './accounting.js';
export { ApiError, createApiError, defaultHint, type ApiErrorCode, type ApiErrorFields, type ApiErrorInput } from './api-error.js';
export { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter, type BackoffOptions } from './backoff.js';
export { systemClock, type Clock } from './clock.js';
export { HttpClient, type HttpClientOptions, type HttpMethod, type HttpSetback, type HttpResponse, type Query, type RequestOptions } from './http-client.js';
export { createJsonLogger, silentLogger, type JsonLoggerOptions, type LogFields, type Logger, type LogLevel } from './logger.js';
export type { SharedHttpOptions } from './shared-options.js';
export { RateLimiter, RateLimiterRegistry, sharedRateLimiters, type Permit, type RateLimit, type RateLimiterStatus } from './rate-limiter.js';
export { REDACTED, Redactor } from './redactor.js';
export { IDEMPOTENT_METHODS, RETRYABLE_STATUSES, judgeStatus, judgeWireFailure, type RetryVerdict } from './retry-policy.js';
export { ClientCredentials, staticToken, type AuthProvider, type ClientCredentialsOptions } from './token-provider.js';
export { Transport, WireFailure, type TransportOptions, type WireFailureKind } from './transport.js';
export { excerpt, vendorMessage } from './vendor-message.js';
