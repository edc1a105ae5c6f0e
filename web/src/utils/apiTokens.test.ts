import { describe, expect, it } from 'vitest';
import { canRevoke, daysLeft, tokenNameProblem, tokenTagType } from './apiTokens';

describe('API tokens', () => {
  const now = new Date('2026-11-30T08:00:00.000Z');

  it('counts days left on an active token only, a part day as one', () => {
    expect(daysLeft({ status: 'active', expires_at: '2027-02-28T08:00:00.000Z' }, now)).toBe(90);
    expect(daysLeft({ status: 'active', expires_at: '2027-02-28T07:59:59.000Z' }, now)).toBe(90); // just created
    expect(daysLeft({ status: 'active', expires_at: '2026-12-01T07:59:59.000Z' }, now)).toBe(1);
    expect(daysLeft({ status: 'active', expires_at: '2026-11-30T08:30:00.000Z' }, now)).toBe(1);
    expect(daysLeft({ status: 'active', expires_at: '2026-11-30T07:00:00.000Z' }, now)).toBe(0); // the server's clock is behind
    expect(daysLeft({ status: 'expired', expires_at: '2026-11-29T08:00:00.000Z' }, now)).toBeNull();
    expect(daysLeft({ status: 'revoked', expires_at: '2027-02-28T08:00:00.000Z' }, now)).toBeNull();
    expect(daysLeft({ status: 'active', expires_at: 'not a time' }, now)).toBeNull();
  });

  it('checks a name as the server does (code points, 1 to 64)', () => {
    expect(tokenNameProblem('')).toBe('required');
    expect(tokenNameProblem('   ')).toBe('required');
    expect(tokenNameProblem('12345 热线平台对接')).toBeNull();
    expect(tokenNameProblem('令'.repeat(64))).toBeNull();
    expect(tokenNameProblem('令'.repeat(65))).toBe('tooLong');
    expect(tokenNameProblem('😀'.repeat(64))).toBeNull(); // 128 UTF-16 units, 64 characters
  });

  it('offers revoking only what still could be used or shown as usable', () => {
    expect(canRevoke({ status: 'active' })).toBe(true);
    expect(canRevoke({ status: 'expired' })).toBe(true);
    expect(canRevoke({ status: 'revoked' })).toBe(false);
    expect(tokenTagType('active')).toBe('success');
    expect(tokenTagType('revoked')).toBe('danger');
    expect(tokenTagType('expired')).toBe('info');
  });
});
