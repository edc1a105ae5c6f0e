import type { RouteRecordRaw } from 'vue-router';

const home: RouteRecordRaw[] = [
  {
    path: '/home',
    name: 'Home',
    component: () => import('@/views/home/index.vue'),
    meta: { title: 'menu.home', icon: 'HomeFilled', perm: null, probe: '/me' },
  },
  {
    path: '/account',
    name: 'Account',
    component: () => import('@/views/account/index.vue'),
    meta: { title: 'menu.account', icon: 'User', perm: null, probe: '/me', hidden: true },
  },
];
export default home;
