// 政务公开 (docs/disclosure-api.md): the supervision office's page to preview, publish and withdraw
// the public portal's releases. The portal itself (/public) is a public route (router/index.ts).
import type { RouteRecordRaw } from 'vue-router';

const disclosure: RouteRecordRaw[] = [
  {
    path: '/disclosure',
    name: 'Disclosure',
    component: () => import('@/views/disclosure/index.vue'),
    meta: { title: 'menu.disclosure', icon: 'Promotion', group: 'menu.plan', perm: 'disclosure.publish', probe: '/disclosures?per_page=1' },
  },
];
export default disclosure;
