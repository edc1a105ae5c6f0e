import { describe, expect, it } from 'vitest';
import { appRoutes, routesFor } from './routes';
import { ALL_PERMISSIONS, type Permission, type Role } from '@/api/types';

// The server's role → permission table (org::RolesWith); GET /me reports the same.
const PERMS: Record<Role, Permission[]> = {
  sysadmin: ['org.read', 'org.write', 'user.read', 'user.write'],
  secadmin: ['org.read', 'user.read', 'role.grant', 'user.unlock', 'security.policy', 'session.admin'],
  auditor: ['audit.read'],
  leader: ['org.read', 'plan.read', 'plan.comment', 'indicator.read', 'attachment.read', 'attachment.write'],
  staff: ['org.read', 'plan.read', 'plan.report', 'indicator.read', 'attachment.read', 'attachment.write'],
  inspector: ['org.read', 'attachment.read', 'attachment.write'],
  supervisor: ['org.read', 'plan.read', 'plan.write', 'plan.followup', 'indicator.read', 'indicator.publish', 'attachment.read', 'attachment.write'],
};

const names = (role: Role) => routesFor(PERMS[role]).map((r) => String(r.name));

describe('route table', () => {
  it('every page declares a known permission (or none), a title and an API probe', () => {
    for (const r of appRoutes) {
      expect(r.name, r.path).toBeTruthy();
      expect(r.meta?.title, r.path).toMatch(/^menu\./);
      expect(r.meta?.probe, r.path).toMatch(/^(POST )?\//);
      const p = r.meta?.perm;
      if (p) expect(ALL_PERMISSIONS).toContain(p);
      else expect(p).toBeNull();
    }
  });

  it('registers for each role exactly the pages its permissions allow', () => {
    expect(names('sysadmin')).toEqual(['Home', 'Account', 'GeoMap', 'SystemDept', 'SystemDeptDetail', 'SystemUser', 'SystemRole']);
    expect(names('secadmin')).toEqual([
      'Home',
      'Account',
      'GeoMap',
      'SystemDept',
      'SystemDeptDetail',
      'SystemUser',
      'SystemRole',
      'SystemConfig',
      'SystemOnline',
    ]);
    expect(names('auditor')).toEqual(['Home', 'Account', 'SystemOperlog', 'SystemLogininfor']);
    const planRead = ['PlanList', 'MyTasks', 'Followups', 'PlanDetail', 'PlanTimeline', 'PlanOverview', 'PrintFollowup', 'PrintPlanNode'];
    for (const r of ['leader', 'staff'] as Role[])
      expect(names(r)).toEqual(['Home', 'Account', ...planRead, 'IndicatorCockpit', 'CaseKpis', 'GeoMap', 'SystemDept', 'SystemDeptDetail']);
    expect(names('inspector')).toEqual(['Home', 'Account', 'GeoMap', 'SystemDept', 'SystemDeptDetail']);
    expect(names('supervisor')).toEqual([
      'Home',
      'Account',
      'PlanList',
      'PlanImport',
      ...planRead.slice(1),
      'IndicatorCockpit',
      'IndicatorPack',
      'CaseKpis',
      'GeoMap',
      'SystemDept',
      'SystemDeptDetail',
    ]);
  });

  it('registers the economic cockpit with indicator.read only', () => {
    expect(routesFor(['indicator.read']).map((r) => r.name)).toContain('IndicatorCockpit');
    expect(routesFor(['plan.read']).map((r) => r.name)).not.toContain('IndicatorCockpit');
  });

  it('registers the pack page with indicator.publish (statistician, supervisor)', () => {
    expect(routesFor(['indicator.read', 'indicator.publish']).map((r) => r.name)).toContain('IndicatorPack');
    expect(routesFor(['indicator.read']).map((r) => r.name)).not.toContain('IndicatorPack');
  });

  it('registers only the always-allowed pages without permissions', () => {
    expect(routesFor([]).map((r) => r.name)).toEqual(['Home', 'Account']);
  });
});
