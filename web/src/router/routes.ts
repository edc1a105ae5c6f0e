// The pages behind the login and which account may have them registered.
import type { RouteRecordRaw } from 'vue-router';
import type { Permission } from '@/api/types';
import home from './modules/home';
import system from './modules/system';
import plan from './modules/plan';
import indicator from './modules/indicator';
import cases from './modules/cases';
import geo from './modules/geo';
import caseKpis from './modules/case-kpis';
import projects from './modules/projects';
import disclosure from './modules/disclosure';
import './types';

/** Pages behind the login, in menu order. */
export const appRoutes: RouteRecordRaw[] = [...home, ...plan, ...disclosure, ...projects, ...cases, ...indicator, ...caseKpis, ...geo, ...system];

/** The pages an account with these permissions may reach (the rest are never registered). */
export function routesFor(perms: readonly Permission[]): RouteRecordRaw[] {
  return appRoutes.filter((r) => !r.meta?.perm || perms.includes(r.meta.perm));
}
