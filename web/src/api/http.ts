// The one place that talks HTTP to the duban server: CSRF header on writes, JSON in and out,
// and every failure turned into an ApiError carrying the server's {"error":{code,message,field}}.

export interface ImportRowError {
  row: number;
  column: string;
  message: string;
}

/** A failed request. `status` 0 means the network failed before any answer. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly rows?: ImportRowError[];
  /** The figures behind the message (error.details), to word it in the user's language. */
  readonly details?: Record<string, unknown>;
  /** Seconds from the Retry-After header (423 lockout, 429 rate limit, 503 busy). */
  readonly retryAfter?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { field?: string; rows?: ImportRowError[]; retryAfter?: number; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = extra.field;
    this.rows = extra.rows;
    this.retryAfter = extra.retryAfter;
    this.details = extra.details;
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  /** A JSON body (objects) or raw text with its content type. */
  json?: unknown;
  text?: { body: string; contentType: string };
  /** Do not toast this error: the caller shows it in place. */
  silent?: boolean;
  /** Do not send a 401 to the login page (the login requests themselves). */
  noAuthRedirect?: boolean;
}

export interface HttpHooks {
  /** Shows an error to the person (a toast). */
  onError?: (e: ApiError) => void;
  /** The session is gone (401): go to the login page. */
  onUnauthorized?: (e: ApiError) => void;
  /** 403 password_change_required / totp_enrollment_required: go to the page that clears it. */
  onPending?: (e: ApiError) => void;
}

const state: { csrf: string | null; hooks: HttpHooks; fetch: typeof fetch | null } = {
  csrf: null,
  hooks: {},
  fetch: null,
};

export function setCsrfToken(token: string | null): void {
  state.csrf = token;
}
export function getCsrfToken(): string | null {
  return state.csrf;
}
export function setHttpHooks(hooks: HttpHooks): void {
  state.hooks = hooks;
}
/** For tests: replaces the global fetch. */
export function setFetch(f: typeof fetch | null): void {
  state.fetch = f;
}

export function buildUrl(path: string, query?: Query): string {
  const url = '/api/v1' + path;
  if (!query) return url;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === '') continue;
    parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v === null ? 'null' : String(v)));
  }
  return parts.length ? url + '?' + parts.join('&') : url;
}

const PENDING_CODES = new Set(['password_change_required', 'totp_enrollment_required']);

async function toApiError(res: Response): Promise<ApiError> {
  const ra = res.headers.get('Retry-After');
  const retryAfter = ra !== null && /^\d+$/.test(ra.trim()) ? Number(ra.trim()) : undefined;
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const err = (body as { error?: Record<string, unknown> } | null)?.error;
  if (err && typeof err.code === 'string') {
    return new ApiError(res.status, err.code, typeof err.message === 'string' ? err.message : err.code, {
      field: typeof err.field === 'string' && err.field ? err.field : undefined,
      rows: Array.isArray(err.rows) ? (err.rows as ImportRowError[]) : undefined,
      details: err.details && typeof err.details === 'object' && !Array.isArray(err.details) ? (err.details as Record<string, unknown>) : undefined,
      retryAfter,
    });
  }
  return new ApiError(res.status, 'http_' + res.status, res.statusText || 'HTTP ' + res.status, { retryAfter });
}

/** Sends one request; resolves with the parsed JSON (undefined for 204), rejects with ApiError. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.text) {
    headers['Content-Type'] = opts.text.contentType;
    body = opts.text.body;
  }
  if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const f = state.fetch ?? fetch;
  let res: Response;
  try {
    res = await f(buildUrl(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    const err = new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
    if (!opts.silent) state.hooks.onError?.(err);
    throw err;
  }
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const err = await toApiError(res);
  if (err.status === 401 && !opts.noAuthRedirect) {
    state.hooks.onUnauthorized?.(err);
  } else if (err.status === 403 && PENDING_CODES.has(err.code)) {
    state.hooks.onPending?.(err);
  } else if (!opts.silent) {
    state.hooks.onError?.(err);
  }
  throw err;
}
