import { describe, expect, it } from 'vitest';
import { appRoutes, routesFor } from './routes';
import { landingPath } from './landing';
import { ALL_PERMISSIONS, type Role } from '@/api/types';
import { ROLE_PERMISSIONS } from '@/api/roles';

// The server's role → permission table (org::RolesWith, checked against the C++ in api/roles.test.ts).
const PERMS = ROLE_PERMISSIONS;

const names = (role: Role) => routesFor(PERMS[role]).map((r) => String(r.name));

describe('route table', () => {
  it('every page declares a known permission (or none), a title and an API probe', () => {
    for (const r of appRoutes) {
      expect(r.name, r.path).toBeTruthy();
      expect(r.meta?.title, r.path).toMatch(/^menu\./);
      expect(r.meta?.probe, r.path).toMatch(/^((POST|PUT) )?\//);
      const p = r.meta?.perm;
      if (p) expect(ALL_PERMISSIONS).toContain(p);
      else expect(p).toBeNull();
    }
  });

  it('registers for each role exactly the pages its permissions allow', () => {
    expect(names('sysadmin')).toEqual(['Home', 'Account', 'GeoMap', 'SystemDept', 'SystemDeptDetail', 'SystemUser', 'SystemRole', 'SystemCalendar', 'SystemCaseTypes']);
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
    const projects = ['ProjectDashboard', 'ProjectBoard', 'ProjectList', 'ProjectMap', 'Enterprises', 'ProjectDetail'];
    expect(names('leader')).toEqual(['Home', 'Account', ...planRead, ...projects, 'CaseList', 'CaseDetail', 'IndicatorCockpit', 'CaseKpis', 'GeoMap', 'SystemDept', 'SystemDeptDetail']);
    const mobile = ['MobileReport', 'MobileCases', 'MobileCaseDetail'];
    expect(names('staff')).toEqual([
      'Home',
      'Account',
      ...planRead,
      ...projects,
      'CaseList',
      'CaseNew',
      'CaseDetail',
      ...mobile,
      'IndicatorCockpit',
      'CaseKpis',
      'GeoMap',
      'SystemDept',
      'SystemDeptDetail',
    ]);
    expect(names('inspector')).toEqual([
      'Home',
      'Account',
      'CaseList',
      'CaseNew',
      'CaseDetail',
      'MobileReport',
      'MobileCases',
      'MobileCaseDetail',
      'GeoMap',
      'SystemDept',
      'SystemDeptDetail',
    ]);
    expect(names('supervisor')).toEqual([
      'Home',
      'Account',
      'PlanList',
      'PlanImport',
      ...planRead.slice(1),
      'Disclosure',
      ...projects,
      'CaseList',
      'CaseNew',
      'CaseQueue',
      'CaseRules',
      'CaseDetail',
      ...mobile,
      'IndicatorCockpit',
      'IndicatorPack',
      'CaseKpis',
      'GeoMap',
      'SystemDept',
      'SystemDeptDetail',
    ]);
    expect(names('statistician')).toEqual(['Home', 'Account', ...projects, 'IndicatorCockpit', 'IndicatorEntry', 'IndicatorPack', 'CaseKpis', 'GeoMap', 'SystemDept', 'SystemDeptDetail']);
  });

  it('registers the project pages with project.read only, under their menu group', () => {
    const r = routesFor(['project.read']);
    expect(r.map((x) => x.name)).toEqual(['Home', 'Account', 'ProjectDashboard', 'ProjectBoard', 'ProjectList', 'ProjectMap', 'Enterprises', 'ProjectDetail']);
    expect(routesFor(['plan.read']).map((x) => x.name)).not.toContain('ProjectBoard');
    const shown = appRoutes.filter((x) => x.meta?.group === 'menu.projects' && !x.meta?.hidden).map((x) => x.path);
    expect(shown).toEqual(['/projects/dashboard', '/projects/board', '/projects', '/projects/map', '/projects/enterprises']);
    expect(appRoutes.find((x) => x.name === 'ProjectDetail')?.meta?.activeMenu).toBe('/projects');
  });

  it('registers the disclosure page with disclosure.publish only; the portal is public', () => {
    expect(routesFor(['disclosure.publish']).map((r) => r.name)).toEqual(['Home', 'Account', 'Disclosure']);
    expect(routesFor(['plan.read', 'plan.write', 'plan.followup']).map((r) => r.name)).not.toContain('Disclosure');
    expect(appRoutes.find((x) => x.name === 'Disclosure')?.meta?.group).toBe('menu.plan');
  });

  it('registers the economic cockpit with indicator.read only', () => {
    expect(routesFor(['indicator.read']).map((r) => r.name)).toContain('IndicatorCockpit');
    expect(routesFor(['plan.read']).map((r) => r.name)).not.toContain('IndicatorCockpit');
  });

  it('registers the pack page with indicator.publish (statistician, supervisor)', () => {
    expect(routesFor(['indicator.read', 'indicator.publish']).map((r) => r.name)).toContain('IndicatorPack');
    expect(routesFor(['indicator.read']).map((r) => r.name)).not.toContain('IndicatorPack');
  });

  it('registers 数据填报 with indicator.write only (the statistician), in the 经济指标 group', () => {
    expect(routesFor(['indicator.read', 'indicator.write']).map((r) => r.name)).toContain('IndicatorEntry');
    expect(routesFor(['indicator.read', 'indicator.publish']).map((r) => r.name)).not.toContain('IndicatorEntry');
    for (const role of Object.keys(PERMS) as Role[]) expect(names(role).includes('IndicatorEntry'), role).toBe(PERMS[role].includes('indicator.write'));
    expect(names('statistician')).toContain('IndicatorEntry');
    const r = appRoutes.find((x) => x.name === 'IndicatorEntry');
    expect([r?.path, r?.meta?.group, r?.meta?.perm, r?.meta?.hidden]).toEqual(['/indicators/entry', 'menu.indicator', 'indicator.write', undefined]);
  });

  it('registers the case pages by case permission; the /m/ pages outside the desktop shell', () => {
    expect(routesFor(['case.read']).map((r) => r.name)).toEqual(['Home', 'Account', 'CaseList', 'CaseDetail']);
    expect(routesFor(['case.dispatch']).map((r) => r.name)).toEqual(['Home', 'Account', 'CaseQueue', 'CaseRules']);
    // 登记 on the desktop: whoever may report a case (the form offers the types its roles may register)
    const reg = appRoutes.find((r) => r.name === 'CaseNew');
    expect([reg?.path, reg?.meta?.perm, reg?.meta?.hidden, reg?.meta?.bare]).toEqual(['/cases/new', 'case.report', undefined, undefined]);
    const mobile = appRoutes.filter((r) => r.path.startsWith('/m/'));
    expect(mobile.map((r) => r.name)).toEqual(['MobileReport', 'MobileCases', 'MobileCaseDetail']);
    for (const r of mobile) {
      expect(r.meta?.bare, r.path).toBe(true);
      expect(r.meta?.hidden, r.path).toBe(true);
      expect(r.meta?.perm, r.path).toBe('case.report');
    }
  });

  it('lands an inspector alone on its phone pages, everyone else on the home page', () => {
    expect(landingPath(['inspector'], PERMS.inspector)).toBe('/m/cases');
    expect(landingPath(['inspector'], ['org.read'])).toBe('/home');
    expect(landingPath(['inspector', 'staff'], [...PERMS.inspector, ...PERMS.staff])).toBe('/home');
    expect(landingPath(['supervisor'], PERMS.supervisor)).toBe('/home');
  });

  it('registers only the always-allowed pages without permissions', () => {
    expect(routesFor([]).map((r) => r.name)).toEqual(['Home', 'Account']);
  });
});
