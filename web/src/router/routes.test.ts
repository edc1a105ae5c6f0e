import { describe, expect, it } from 'vitest';
import { appRoutes, routesFor } from './routes';
import { ALL_PERMISSIONS, type Permission, type Role } from '@/api/types';

// The server's role → permission table (org::RolesWith); GET /me reports the same.
const PERMS: Record<Role, Permission[]> = {
  sysadmin: ['org.read', 'org.write', 'user.read', 'user.write'],
  secadmin: ['org.read', 'user.read', 'role.grant', 'user.unlock', 'security.policy', 'session.admin'],
  auditor: ['audit.read'],
  leader: ['org.read'],
  staff: ['org.read'],
  inspector: ['org.read'],
};

const names = (role: Role) => routesFor(PERMS[role]).map((r) => String(r.name));

describe('route table', () => {
  it('every page declares a known permission (or none), a title and an API probe', () => {
    for (const r of appRoutes) {
      expect(r.name, r.path).toBeTruthy();
      expect(r.meta?.title, r.path).toMatch(/^menu\./);
      expect(r.meta?.probe, r.path).toMatch(/^\//);
      const p = r.meta?.perm;
      if (p) expect(ALL_PERMISSIONS).toContain(p);
      else expect(p).toBeNull();
    }
  });

  it('registers for each role exactly the pages its permissions allow', () => {
    expect(names('sysadmin')).toEqual(['Home', 'Account', 'SystemDept', 'SystemDeptDetail', 'SystemUser', 'SystemRole']);
    expect(names('secadmin')).toEqual([
      'Home',
      'Account',
      'SystemDept',
      'SystemDeptDetail',
      'SystemUser',
      'SystemRole',
      'SystemConfig',
      'SystemOnline',
    ]);
    expect(names('auditor')).toEqual(['Home', 'Account', 'SystemOperlog', 'SystemLogininfor']);
    for (const r of ['leader', 'staff', 'inspector'] as Role[])
      expect(names(r)).toEqual(['Home', 'Account', 'SystemDept', 'SystemDeptDetail']);
  });

  it('registers only the always-allowed pages without permissions', () => {
    expect(routesFor([]).map((r) => r.name)).toEqual(['Home', 'Account']);
  });
});
