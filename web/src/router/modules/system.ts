// 系統管理: each page declares the permission the server checks for its API.
import type { RouteRecordRaw } from 'vue-router';

const group = 'menu.system';

const system: RouteRecordRaw[] = [
  {
    path: '/system/dept',
    name: 'SystemDept',
    component: () => import('@/views/system/dept/index.vue'),
    meta: { title: 'menu.dept', icon: 'OfficeBuilding', group, perm: 'org.read', probe: '/org-units?per_page=1' },
  },
  {
    path: '/system/dept/:id(\\d+)',
    name: 'SystemDeptDetail',
    component: () => import('@/views/system/dept/detail.vue'),
    meta: {
      title: 'menu.deptDetail',
      group,
      perm: 'org.read',
      probe: '/org-units/{unit}',
      hidden: true,
      activeMenu: '/system/dept',
    },
  },
  {
    path: '/system/user',
    name: 'SystemUser',
    component: () => import('@/views/system/user/index.vue'),
    meta: { title: 'menu.user', icon: 'UserFilled', group, perm: 'user.read', probe: '/users?per_page=1' },
  },
  {
    path: '/system/role',
    name: 'SystemRole',
    component: () => import('@/views/system/role/index.vue'),
    meta: { title: 'menu.role', icon: 'Avatar', group, perm: 'user.read', probe: '/users?per_page=1' },
  },
  {
    path: '/system/config',
    name: 'SystemConfig',
    component: () => import('@/views/system/config/index.vue'),
    meta: { title: 'menu.config', icon: 'Setting', group, perm: 'security.policy', probe: '/security-policy' },
  },
  {
    path: '/system/calendar',
    name: 'SystemCalendar',
    component: () => import('@/views/system/calendar/index.vue'),
    meta: { title: 'menu.calendar', icon: 'Calendar', group, perm: 'calendar.admin', probe: 'PUT /calendar' },
  },
  {
    path: '/system/case-types',
    name: 'SystemCaseTypes',
    component: () => import('@/views/system/case-types/index.vue'),
    meta: { title: 'menu.caseTypes', icon: 'Memo', group, perm: 'case.admin', probe: 'PUT /case-types/urban' },
  },
  {
    path: '/system/online',
    name: 'SystemOnline',
    component: () => import('@/views/system/online/index.vue'),
    meta: { title: 'menu.online', icon: 'Monitor', group, perm: 'session.admin', probe: '/sessions' },
  },
  {
    path: '/system/operlog',
    name: 'SystemOperlog',
    component: () => import('@/views/system/operlog/index.vue'),
    meta: { title: 'menu.operlog', icon: 'Document', group, perm: 'audit.read', probe: '/events?per_page=1' },
  },
  {
    path: '/system/logininfor',
    name: 'SystemLogininfor',
    component: () => import('@/views/system/logininfor/index.vue'),
    meta: {
      title: 'menu.logininfor',
      icon: 'Key',
      group,
      perm: 'audit.read',
      probe: '/events?action=auth.&per_page=1',
    },
  },
];
export default system;
