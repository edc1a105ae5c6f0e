// Accounts (用戶管理), roles, unlocks, the security policy (參數設置), sessions (在線用戶) and API tokens.
import { request } from './http';
import type { ApiToken, ApiTokenStatus, Page, Role, SecurityPolicy, SessionInfo, User, UserCreate, UserPatch } from './types';

/** GET /users. */
export function listUsers(query: { q?: string; role?: Role | ''; page?: number; per_page?: number } = {}): Promise<
  Page<User>
> {
  return request('GET', '/users', { query });
}

/** GET /users/{id}. */
export function getUser(id: number): Promise<User> {
  return request('GET', `/users/${id}`);
}

/** POST /users (sysadmin): the account must change its password at first login. */
export function createUser(body: UserCreate): Promise<User> {
  return request('POST', '/users', { json: body });
}

/** PATCH /users/{id} (sysadmin): display name, units, data scope, disabled. */
export function updateUser(id: number, body: UserPatch): Promise<User> {
  return request('PATCH', `/users/${id}`, { json: body });
}

/** POST /users/{id}/reset-password (sysadmin). */
export function resetPassword(id: number, password: string): Promise<User> {
  return request('POST', `/users/${id}/reset-password`, { json: { password } });
}

/** PUT /users/{id}/roles (secadmin): three-admin separation enforced by the server. */
export function setUserRoles(id: number, roles: Role[]): Promise<User> {
  return request('PUT', `/users/${id}/roles`, { json: { roles } });
}

/** POST /users/{id}/unlock (secadmin). */
export function unlockUser(id: number): Promise<User> {
  return request('POST', `/users/${id}/unlock`);
}

/** POST /users/{id}/totp/reset (secadmin): removes a lost second factor; it enrols again. */
export function resetUserTotp(id: number): Promise<User> {
  return request('POST', `/users/${id}/totp/reset`);
}

/** GET /security-policy (secadmin). */
export function getSecurityPolicy(): Promise<SecurityPolicy> {
  return request('GET', '/security-policy');
}

/** PUT /security-policy (secadmin); fields are optional. */
export function putSecurityPolicy(body: Partial<SecurityPolicy>): Promise<SecurityPolicy> {
  return request('PUT', '/security-policy', { json: body });
}

/** GET /sessions (secadmin), in the order they began. */
export function listSessions(query: { page?: number; per_page?: number } = {}): Promise<Page<SessionInfo>> {
  return request('GET', '/sessions', { query });
}

/** DELETE /sessions/{id} (secadmin). */
export function endSession(id: number): Promise<unknown> {
  return request('DELETE', `/sessions/${id}`);
}

/** GET /api-tokens (secadmin): every account's tokens, newest first. */
export function listTokens(
  query: { user_id?: number; status?: ApiTokenStatus | ''; page?: number; per_page?: number } = {},
): Promise<Page<ApiToken>> {
  return request('GET', '/api-tokens', { query });
}

/** DELETE /api-tokens/{id} (secadmin): a leaked key stops working at once. */
export function revokeToken(id: number): Promise<ApiToken> {
  return request('DELETE', `/api-tokens/${id}`);
}
