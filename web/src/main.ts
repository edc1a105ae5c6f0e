import { createApp } from 'vue';
import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import 'element-plus/theme-chalk/base.css';
import App from './App.vue';
import { pinia } from './store';
import { router, unregisterRoutes, appRoutes } from './router';
import { installGuard } from './router/guard';
import { i18n, setLocale, currentLocale } from './locales';
import { setHttpHooks } from './api/http';
import { apiErrorMessage } from './api/errorText';
import { useUserStore } from './store/modules/user';
import { installIcons } from './components/icons';
import './styles/index.css';

const app = createApp(App);
app.use(pinia);
app.use(i18n);
app.use(router);
installIcons(app);
installGuard(router);

// The full route table with each page's permission and API probe, for the browser tests' route walk.
app.config.globalProperties.$routeTable = appRoutes.map((r) => ({
  name: String(r.name),
  path: r.path,
  perm: r.meta?.perm ?? null,
  probe: r.meta?.probe ?? null,
}));

setHttpHooks({
  onError(e) {
    ElMessage({ type: 'error', message: apiErrorMessage(e), grouping: true, showClose: true });
  },
  onUnauthorized() {
    const user = useUserStore();
    if (!user.me) return;
    user.reset();
    unregisterRoutes(router);
    const here = router.currentRoute.value.fullPath;
    void router.replace({ name: 'Login', query: here && here !== '/home' ? { redirect: here } : {} });
  },
  onPending(e) {
    const user = useUserStore();
    if (user.me) {
      if (e.code === 'password_change_required') user.me.must_change_password = true;
      else user.me.totp_enabled = false;
    }
    void router.replace({ name: e.code === 'password_change_required' ? 'ForcePassword' : 'TotpEnroll' });
  },
});

setLocale(currentLocale());
app.mount('#app');
