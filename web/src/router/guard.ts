// Navigation guard: loads the account once, registers its pages, and sends it where it must go
// (login, forced password change, forced two-factor enrolment).
import type { Router } from 'vue-router';
import { ApiError } from '@/api/http';
import { useUserStore } from '@/store/modules/user';
import { registerRoutes } from './index';
import { i18n } from '@/locales';

export function installGuard(router: Router): void {
  router.beforeEach(async (to) => {
    const user = useUserStore();
    // The public portal (政务公开) needs no account: a visitor is not asked who they are (no /me, no
    // 401 in the console); the account is loaded on the first page that needs one.
    const anonymousPage = to.meta.public && to.name !== 'Login';
    if (!user.loaded && !anonymousPage) {
      try {
        await user.fetchMe();
        registerRoutes(router, user.permissions);
        // The target was matched before its route existed: match it again.
        if (to.name === 'NotFound') return { path: to.path, query: to.query, hash: to.hash, replace: true };
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 401) console.error(e);
        user.reset();
      }
    }
    const signedIn = !!user.me;
    if (to.meta.public) {
      return signedIn && to.name === 'Login' ? { path: '/home', replace: true } : true;
    }
    if (!signedIn) {
      const redirect = to.fullPath !== '/' && to.fullPath !== '/home' ? to.fullPath : undefined;
      return { name: 'Login', query: redirect ? { redirect } : {}, replace: true };
    }
    if (user.mustChangePassword) return to.name === 'ForcePassword' ? true : { name: 'ForcePassword' };
    if (user.totpPending) return to.name === 'TotpEnroll' ? true : { name: 'TotpEnroll' };
    if (to.name === 'ForcePassword' || to.name === 'TotpEnroll') return { path: '/home', replace: true };
    if (to.meta.perm && !user.has(to.meta.perm)) return { name: 'NotFound', params: { pathMatch: to.path.slice(1).split('/') } };
    return true;
  });
  router.afterEach((to) => {
    const t = i18n.global.t;
    document.title = to.meta.title ? `${t(to.meta.title)} - ${t('app.title')}` : t('app.title');
  });
}
