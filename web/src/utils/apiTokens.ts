// API tokens as the account page and the security administrator's page show them.
import type { ApiToken, ApiTokenStatus } from '@/api/types';

export const TOKEN_STATUSES: ApiTokenStatus[] = ['active', 'expired', 'revoked'];
export const TOKEN_NAME_MAX = 64;
export const TOKEN_DAYS_MAX = 366; // the server's limit (org::CreateToken)
export const TOKEN_DAYS_DEFAULT = 90;

/** Element Plus tag type of a status. */
export function tokenTagType(s: ApiTokenStatus): 'success' | 'info' | 'danger' {
  return s === 'active' ? 'success' : s === 'revoked' ? 'danger' : 'info';
}

/** Days an active token has left, counting a part day as one (a new 90-day token has 90, one with
 *  an hour left has 1); null when it is not active. */
export function daysLeft(t: Pick<ApiToken, 'status' | 'expires_at'>, now: Date): number | null {
  if (t.status !== 'active') return null;
  const ms = Date.parse(t.expires_at) - now.getTime();
  if (!Number.isFinite(ms)) return null;
  return Math.max(0, Math.ceil(ms / 86_400_000));
}

/** A name the server takes: 1 to 64 characters (code points, as the server counts), not only spaces. */
export function tokenNameProblem(name: string): 'required' | 'tooLong' | null {
  if (!name.trim()) return 'required';
  if ([...name].length > TOKEN_NAME_MAX) return 'tooLong';
  return null;
}

/** Only an active or expired token can be revoked (a revoked one is already refused). */
export function canRevoke(t: Pick<ApiToken, 'status'>): boolean {
  return t.status !== 'revoked';
}
