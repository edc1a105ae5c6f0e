import { describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import { generatePassword, roleSelectable, rolesValid } from './rule';

describe('three-admin separation in the role picker', () => {
  it('lets any role start an empty choice', () => {
    for (const r of ['sysadmin', 'secadmin', 'auditor', 'leader', 'staff', 'inspector'] as const)
      expect(roleSelectable([], r)).toBe(true);
  });
  it('forbids a second admin role and business roles next to an admin role', () => {
    expect(roleSelectable(['sysadmin'], 'secadmin')).toBe(false);
    expect(roleSelectable(['sysadmin'], 'auditor')).toBe(false);
    expect(roleSelectable(['auditor'], 'staff')).toBe(false);
    expect(roleSelectable(['sysadmin'], 'sysadmin')).toBe(true);
  });
  it('forbids an admin role next to business roles but allows several business roles', () => {
    expect(roleSelectable(['staff'], 'secadmin')).toBe(false);
    expect(roleSelectable(['staff'], 'leader')).toBe(true);
  });
  it('validates whole sets like the server', () => {
    expect(rolesValid([])).toBe(false);
    expect(rolesValid(['sysadmin'])).toBe(true);
    expect(rolesValid(['sysadmin', 'auditor'])).toBe(false);
    expect(rolesValid(['secadmin', 'staff'])).toBe(false);
    expect(rolesValid(['leader', 'staff', 'inspector'])).toBe(true);
  });
});

describe('generatePassword', () => {
  // Node 18 has no global crypto (browsers and Node >= 19 do).
  if (!globalThis.crypto) Object.defineProperty(globalThis, 'crypto', { value: webcrypto });
  it('has 16 characters of all four classes', () => {
    for (let i = 0; i < 20; i++) {
      const p = generatePassword();
      expect(p).toHaveLength(16);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toMatch(/[^A-Za-z0-9]/);
    }
  });
});
