// The router: public pages always; every other page is registered only for an account whose
// permissions (GET /api/v1/me) include the one the page declares, so a page the server would
// refuse is not even reachable.
import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router';
import type { Permission } from '@/api/types';
import { appRoutes, routesFor } from './routes';
import './types';

export { appRoutes, routesFor };

export const ROOT = 'Root';

const constantRoutes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'Login',
    component: () => import('@/views/login/index.vue'),
    meta: { public: true, title: 'login.title' },
  },
  {
    path: '/public/:id?',
    name: 'Public',
    component: () => import('@/views/public/index.vue'),
    meta: { public: true, title: 'disclosure.portalTitle' },
  },
  {
    path: '/password',
    name: 'ForcePassword',
    component: () => import('@/views/login/force-password.vue'),
    meta: { title: 'forcePassword.title' },
  },
  {
    path: '/totp-enroll',
    name: 'TotpEnroll',
    component: () => import('@/views/login/totp-enroll.vue'),
    meta: { title: 'totp.forcedTitle' },
  },
  {
    path: '/',
    name: ROOT,
    component: () => import('@/layout/index.vue'),
    redirect: '/home',
    children: [
      {
        path: '/:pathMatch(.*)*',
        name: 'NotFound',
        component: () => import('@/views/error/404.vue'),
        meta: { title: 'notFound.title' },
      },
    ],
  },
];

/** Adds the pages the account may use; returns their names. */
export function registerRoutes(router: Router, perms: readonly Permission[]): string[] {
  const names: string[] = [];
  for (const r of routesFor(perms)) {
    if (!router.hasRoute(r.name!)) {
      if (r.meta?.bare) router.addRoute(r);
      else router.addRoute(ROOT, r);
    }
    names.push(String(r.name));
  }
  return names;
}

/** Removes every page behind the login (on logout). */
export function unregisterRoutes(router: Router): void {
  for (const r of appRoutes) if (r.name && router.hasRoute(r.name)) router.removeRoute(r.name);
}

export const router = createRouter({
  history: createWebHistory(),
  routes: constantRoutes,
  scrollBehavior: () => ({ top: 0 }),
});
