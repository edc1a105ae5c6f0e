// Login (both steps), logout, the current account, own password, two-factor enrolment and own API tokens.
import { request } from './http';
import type { ApiToken, ApiTokenCreated, ApiTokenStatus, LoginAnswer, LoginOk, Me, Page, TotpEnrollment } from './types';

/** POST /session: 201 LoginOk (cookie set) or 200 {second_factor_required, challenge}. */
export function login(username: string, password: string): Promise<LoginAnswer> {
  return request('POST', '/session', { json: { username, password }, silent: true, noAuthRedirect: true });
}

/** POST /session/totp with a 6-digit code. */
export function loginTotp(challenge: string, code: string): Promise<LoginOk> {
  return request('POST', '/session/totp', { json: { challenge, code }, silent: true, noAuthRedirect: true });
}

/** POST /session/totp with a recovery code. */
export function loginRecovery(challenge: string, recovery_code: string): Promise<LoginOk> {
  return request('POST', '/session/totp', {
    json: { challenge, recovery_code },
    silent: true,
    noAuthRedirect: true,
  });
}

/** DELETE /session. */
export function logout(): Promise<void> {
  return request('DELETE', '/session', { silent: true, noAuthRedirect: true });
}

/** GET /me. Silent and without redirect: the router decides what a 401 means here. */
export function getMe(): Promise<Me> {
  return request('GET', '/me', { silent: true, noAuthRedirect: true });
}

/** POST /me/password. */
export function changePassword(old_password: string, new_password: string): Promise<unknown> {
  return request('POST', '/me/password', { json: { old_password, new_password }, silent: true });
}

/** POST /me/totp/enroll (no body): a fresh secret and its otpauth URI. */
export function enrollTotp(): Promise<TotpEnrollment> {
  return request('POST', '/me/totp/enroll');
}

/** POST /me/totp/confirm: the first code; answers the recovery codes, shown once. */
export function confirmTotp(code: string): Promise<{ recovery_codes: string[] }> {
  return request('POST', '/me/totp/confirm', { json: { code }, silent: true });
}

/** GET /me/tokens: own tokens, newest first. */
export function listOwnTokens(
  query: { status?: ApiTokenStatus | ''; page?: number; per_page?: number } = {},
): Promise<Page<ApiToken>> {
  return request('GET', '/me/tokens', { query });
}

/** POST /me/tokens: the answer holds the secret, shown once. */
export function createOwnToken(name: string, days: number): Promise<ApiTokenCreated> {
  return request('POST', '/me/tokens', { json: { name, days } });
}

/** DELETE /me/tokens/{id}: the token stops working at once. */
export function revokeOwnToken(id: number): Promise<ApiToken> {
  return request('DELETE', `/me/tokens/${id}`);
}
