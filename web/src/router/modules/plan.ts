// 工作計劃 (docs/plan-api.md): plans, the import of a work report, the task tree, the timeline,
// my tasks, the leader's overview and the follow-up notices (督辦單) with their print views.
import type { RouteRecordRaw } from 'vue-router';

const group = 'menu.plan';
// A plan's pages are probed by the list: a plan with none of a unit's tasks is a 404 for its staff.
const READ = '/plans?per_page=1';

const plan: RouteRecordRaw[] = [
  {
    path: '/plans',
    name: 'PlanList',
    component: () => import('@/views/plan/list/index.vue'),
    meta: { title: 'menu.plans', icon: 'Tickets', group, perm: 'plan.read', probe: READ },
  },
  {
    path: '/plans/import',
    name: 'PlanImport',
    component: () => import('@/views/plan/import/index.vue'),
    // no GET needs plan.write: the probe posts an empty preview (400/422 with plan.write, 403 without)
    meta: { title: 'menu.planImport', icon: 'Upload', group, perm: 'plan.write', probe: 'POST /plans/import-preview' },
  },
  {
    path: '/my-tasks',
    name: 'MyTasks',
    component: () => import('@/views/plan/mine/index.vue'),
    meta: { title: 'menu.myTasks', icon: 'Checked', group, perm: 'plan.read', probe: READ },
  },
  {
    path: '/followups',
    name: 'Followups',
    component: () => import('@/views/plan/followups/index.vue'),
    meta: { title: 'menu.followups', icon: 'Bell', group, perm: 'plan.read', probe: '/followups?per_page=1' },
  },
  {
    path: '/plans/:id(\\d+)',
    name: 'PlanDetail',
    component: () => import('@/views/plan/detail/index.vue'),
    meta: { title: 'menu.planDetail', group, perm: 'plan.read', probe: READ, hidden: true, activeMenu: '/plans' },
  },
  {
    path: '/plans/:id(\\d+)/timeline',
    name: 'PlanTimeline',
    component: () => import('@/views/plan/timeline/index.vue'),
    meta: { title: 'menu.planTimeline', group, perm: 'plan.read', probe: READ, hidden: true, activeMenu: '/plans' },
  },
  {
    path: '/plans/:id(\\d+)/overview',
    name: 'PlanOverview',
    component: () => import('@/views/plan/overview/index.vue'),
    meta: { title: 'menu.planOverview', group, perm: 'plan.read', probe: READ, hidden: true, activeMenu: '/plans' },
  },
  {
    path: '/print/followup/:id(\\d+)',
    name: 'PrintFollowup',
    component: () => import('@/views/plan/print/followup.vue'),
    meta: { title: 'menu.printFollowup', group, perm: 'plan.read', probe: '/followups?per_page=1', hidden: true, bare: true },
  },
  {
    path: '/print/plan-node/:id(\\d+)',
    name: 'PrintPlanNode',
    component: () => import('@/views/plan/print/node.vue'),
    meta: { title: 'menu.printNode', group, perm: 'plan.read', probe: READ, hidden: true, bare: true },
  },
];
export default plan;
