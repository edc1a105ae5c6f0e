// The API client against a mocked fetch: URLs, bodies, CSRF, errors, 401 and pending redirects.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, buildUrl, setCsrfToken, setFetch, setHttpHooks } from './http';
import * as session from './session';
import * as org from './org';
import * as system from './system';
import * as audit from './audit';

interface Call {
  url: string;
  init: RequestInit;
}
let calls: Call[] = [];
let next: () => Response;
const hooks = { onError: vi.fn(), onUnauthorized: vi.fn(), onPending: vi.fn() };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}
function errorBody(code: string, message: string, field?: string, rows?: unknown) {
  return { error: { code, message, ...(field ? { field } : {}), ...(rows ? { rows } : {}) } };
}
const headersOf = (c: Call) => c.init.headers as Record<string, string>;

beforeEach(() => {
  calls = [];
  next = () => json(200, {});
  setFetch((async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return next();
  }) as unknown as typeof fetch);
  setHttpHooks(hooks);
  setCsrfToken(null);
  vi.clearAllMocks();
});
afterEach(() => setFetch(null));

describe('buildUrl', () => {
  it('skips undefined and empty values, writes null as "null", encodes', () => {
    expect(buildUrl('/org-units', { parent_id: null, q: '春柳 街道', kind: '', page: 2, x: undefined })).toBe(
      '/api/v1/org-units?parent_id=null&q=%E6%98%A5%E6%9F%B3%20%E8%A1%97%E9%81%93&page=2',
    );
    expect(buildUrl('/me')).toBe('/api/v1/me');
  });
});

describe('requests', () => {
  it('logs in with a JSON body and no CSRF header', async () => {
    next = () => json(201, { csrf_token: 'c1', must_change_password: false, user: { id: 1, username: 'admin', roles: [] } });
    const r = await session.login('admin', 'pw');
    expect(r).toMatchObject({ csrf_token: 'c1' });
    expect(calls[0].url).toBe('/api/v1/session');
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ username: 'admin', password: 'pw' });
    expect(headersOf(calls[0])['Content-Type']).toBe('application/json');
    expect(headersOf(calls[0])['X-CSRF-Token']).toBeUndefined();
  });

  it('passes the second-factor challenge through', async () => {
    next = () => json(200, { second_factor_required: true, challenge: 'ch' });
    expect(await session.login('admin', 'pw')).toEqual({ second_factor_required: true, challenge: 'ch' });
    next = () => json(201, { csrf_token: 'c2', must_change_password: false, user: { id: 1, username: 'a', roles: [] } });
    await session.loginTotp('ch', '123456');
    expect(JSON.parse(calls[1].init.body as string)).toEqual({ challenge: 'ch', code: '123456' });
    await session.loginRecovery('ch', 'abcde-fghij');
    expect(JSON.parse(calls[2].init.body as string)).toEqual({ challenge: 'ch', recovery_code: 'abcde-fghij' });
    expect(calls[1].url).toBe('/api/v1/session/totp');
  });

  it('sends the CSRF token on writes only', async () => {
    setCsrfToken('tok');
    next = () => json(200, { items: [], total: 0, page: 1, per_page: 50 });
    await org.listOrgUnits({ parent_id: 5 });
    expect(headersOf(calls[0])['X-CSRF-Token']).toBeUndefined();
    expect(calls[0].url).toBe('/api/v1/org-units?parent_id=5');
    next = () => json(201, { id: 9 });
    await org.createOrgUnit({ parent_id: 1, kind: 'street', name: '新街道' });
    expect(headersOf(calls[1])['X-CSRF-Token']).toBe('tok');
    next = () => new Response(null, { status: 204 });
    expect(await session.logout()).toBeUndefined();
    expect(calls[2].init.method).toBe('DELETE');
    expect(headersOf(calls[2])['X-CSRF-Token']).toBe('tok');
  });

  it('maps every endpoint to its method and path', async () => {
    setCsrfToken('t');
    next = () => json(200, {});
    const cases: [() => Promise<unknown>, string, string][] = [
      [() => session.getMe(), 'GET', '/api/v1/me'],
      [() => session.changePassword('a', 'b'), 'POST', '/api/v1/me/password'],
      [() => session.enrollTotp(), 'POST', '/api/v1/me/totp/enroll'],
      [() => session.confirmTotp('123456'), 'POST', '/api/v1/me/totp/confirm'],
      [() => session.listOwnTokens({ status: '' }), 'GET', '/api/v1/me/tokens'],
      [() => session.createOwnToken('x', 30), 'POST', '/api/v1/me/tokens'],
      [() => session.revokeOwnToken(5), 'DELETE', '/api/v1/me/tokens/5'],
      [() => org.getOrgUnit(3), 'GET', '/api/v1/org-units/3'],
      [() => org.updateOrgUnit(3, { name: 'x', version: 2 }), 'PATCH', '/api/v1/org-units/3'],
      [() => org.moveOrgUnit(3, null), 'POST', '/api/v1/org-units/3/move'],
      [() => org.deactivateOrgUnit(3), 'POST', '/api/v1/org-units/3/deactivate'],
      [() => org.importOrgUnits('code,name,kind,parent_code\n', true), 'POST', '/api/v1/org-units/import?dry_run=true'],
      [() => org.importOrgUnits('code,name,kind,parent_code\n', false), 'POST', '/api/v1/org-units/import'],
      [() => system.listUsers({ q: 'li', role: 'staff', page: 1 }), 'GET', '/api/v1/users?q=li&role=staff&page=1'],
      [() => system.getUser(4), 'GET', '/api/v1/users/4'],
      [() => system.createUser({ username: 'u', password: 'p', roles: ['staff'], units: [1] }), 'POST', '/api/v1/users'],
      [() => system.updateUser(4, { disabled: true }), 'PATCH', '/api/v1/users/4'],
      [() => system.resetPassword(4, 'p'), 'POST', '/api/v1/users/4/reset-password'],
      [() => system.setUserRoles(4, ['leader']), 'PUT', '/api/v1/users/4/roles'],
      [() => system.unlockUser(4), 'POST', '/api/v1/users/4/unlock'],
      [() => system.resetUserTotp(4), 'POST', '/api/v1/users/4/totp/reset'],
      [() => system.getSecurityPolicy(), 'GET', '/api/v1/security-policy'],
      [() => system.putSecurityPolicy({ min_length: 14 }), 'PUT', '/api/v1/security-policy'],
      [() => system.listSessions(), 'GET', '/api/v1/sessions'],
      [() => system.listSessions({ page: 2, per_page: 50 }), 'GET', '/api/v1/sessions?page=2&per_page=50'],
      [() => system.listTokens({ status: 'active', page: 1 }), 'GET', '/api/v1/api-tokens?status=active&page=1'],
      [() => system.revokeToken(7), 'DELETE', '/api/v1/api-tokens/7'],
      [() => system.endSession(8), 'DELETE', '/api/v1/sessions/8'],
      [() => audit.listEvents({ action: 'auth.', since: '2026-01-01T00:00:00+08:00' }), 'GET', '/api/v1/events?action=auth.&since=2026-01-01T00%3A00%3A00%2B08%3A00'],
      [() => audit.getEvent(12), 'GET', '/api/v1/events/12'],
      [() => audit.verifyChain(), 'POST', '/api/v1/audit/verify'],
    ];
    for (const [fn, method, url] of cases) {
      calls = [];
      await fn();
      expect([calls[0].init.method, calls[0].url]).toEqual([method, url]);
    }
  });

  it('uploads CSV as text/csv', async () => {
    next = () => json(201, { imported: 1 });
    await org.importOrgUnits('code,name,kind,parent_code\nX1,测试,street,210204\n', false);
    expect(headersOf(calls[0])['Content-Type']).toMatch(/^text\/csv/);
    expect(calls[0].init.body).toContain('测试');
  });
});

describe('errors', () => {
  it('carry the server code, message and field and toast the message', async () => {
    next = () => json(409, errorBody('has_children', 'the unit has 3 active child units', 'parent_id'));
    const e = await org.deactivateOrgUnit(1).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 409, code: 'has_children', message: 'the unit has 3 active child units', field: 'parent_id' });
    expect(hooks.onError).toHaveBeenCalledTimes(1);
    expect(hooks.onError.mock.calls[0][0].message).toBe('the unit has 3 active child units');
  });

  it('carry import rows and do not toast (the dialog shows them)', async () => {
    const rows = [{ row: 3, column: 'kind', message: 'unknown kind' }];
    next = () => json(422, errorBody('import_invalid', '1 error(s); nothing was imported', 'kind', rows));
    const e = await org.importOrgUnits('x', false).catch((x) => x);
    expect(e.rows).toEqual(rows);
    expect(hooks.onError).not.toHaveBeenCalled();
  });

  it('read Retry-After on a lockout', async () => {
    next = () => json(423, errorBody('account_locked', 'locked; try again in 15 min'), { 'Retry-After': '897' });
    const e = await session.login('a', 'b').catch((x) => x);
    expect(e).toMatchObject({ status: 423, code: 'account_locked', retryAfter: 897 });
    expect(hooks.onError).not.toHaveBeenCalled(); // login shows its own message
    expect(hooks.onUnauthorized).not.toHaveBeenCalled();
  });

  it('send a 401 to the login page except on the login requests', async () => {
    next = () => json(401, errorBody('session_expired', 'the session has expired; log in again'));
    await expect(system.listSessions()).rejects.toMatchObject({ status: 401 });
    expect(hooks.onUnauthorized).toHaveBeenCalledTimes(1);
    expect(hooks.onError).not.toHaveBeenCalled();
    await expect(session.login('a', 'b')).rejects.toMatchObject({ code: 'session_expired' });
    await expect(session.getMe()).rejects.toMatchObject({ status: 401 });
    expect(hooks.onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('send pending password changes and 2FA enrolment to their pages', async () => {
    next = () => json(403, errorBody('password_change_required', 'change your password first'));
    await expect(org.listOrgUnits()).rejects.toMatchObject({ code: 'password_change_required' });
    next = () => json(403, errorBody('totp_enrollment_required', 'enrol first'));
    await expect(org.listOrgUnits()).rejects.toMatchObject({ code: 'totp_enrollment_required' });
    expect(hooks.onPending).toHaveBeenCalledTimes(2);
    expect(hooks.onError).not.toHaveBeenCalled();
  });

  it('toast a plain 403 and survive a body that is not JSON', async () => {
    next = () => json(403, errorBody('forbidden', 'the role lacks user.write'));
    await expect(system.createUser({ username: 'x', password: 'y', roles: [], units: [] })).rejects.toMatchObject({ status: 403 });
    next = () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    await expect(system.listSessions()).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway' });
    expect(hooks.onError).toHaveBeenCalledTimes(2);
  });

  it('turn a network failure into status 0', async () => {
    setFetch((async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch);
    await expect(session.getMe()).rejects.toMatchObject({ status: 0, code: 'network' });
    await expect(system.listUsers()).rejects.toMatchObject({ status: 0 });
    expect(hooks.onError).toHaveBeenCalledTimes(1); // getMe is silent
  });
});
