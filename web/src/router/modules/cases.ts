// 案件 (docs/cases-api.md): the case list and detail, the dispatcher's queue and rules, and the
// grid inspector's phone pages under /m/ (outside the desktop shell: MobileShell, 375 px). The
// phone pages are not in the menu (staff and supervisors also hold case.report): an inspector alone
// lands on /m/cases after signing in, and the case list links to them for an inspector.
import type { RouteRecordRaw } from 'vue-router';

const group = 'menu.cases';
const READ = '/cases?per_page=1';

const cases: RouteRecordRaw[] = [
  {
    path: '/cases',
    name: 'CaseList',
    component: () => import('@/views/cases/list/index.vue'),
    meta: { title: 'menu.caseList', icon: 'Memo', group, perm: 'case.read', probe: READ },
  },
  {
    path: '/cases/new',
    name: 'CaseNew',
    component: () => import('@/views/cases/new/index.vue'),
    // 登记: the 12345 centre and the petition office register every type, staff enterprise requests
    meta: { title: 'menu.caseNew', icon: 'EditPen', group, perm: 'case.report', probe: 'POST /cases' },
  },
  {
    path: '/cases/queue',
    name: 'CaseQueue',
    component: () => import('@/views/cases/queue/index.vue'),
    meta: { title: 'menu.caseQueue', icon: 'Promotion', group, perm: 'case.dispatch', probe: '/case-queue' },
  },
  {
    path: '/cases/rules',
    name: 'CaseRules',
    component: () => import('@/views/cases/rules/index.vue'),
    meta: { title: 'menu.caseRules', icon: 'Guide', group, perm: 'case.dispatch', probe: '/dispatch-rules' },
  },
  {
    path: '/cases/:id(\\d+)',
    name: 'CaseDetail',
    component: () => import('@/views/cases/detail/index.vue'),
    meta: { title: 'menu.caseDetail', group, perm: 'case.read', probe: READ, hidden: true, activeMenu: '/cases' },
  },
  {
    path: '/m/report',
    name: 'MobileReport',
    component: () => import('@/views/mobile/report.vue'),
    // no GET needs case.report: the probe posts an empty case (422 with case.report, 403 without)
    meta: { title: 'menu.mReport', group, perm: 'case.report', probe: 'POST /cases', hidden: true, bare: true },
  },
  {
    path: '/m/cases',
    name: 'MobileCases',
    component: () => import('@/views/mobile/cases.vue'),
    // gated by case.report like /m/report (a leader reads cases but reports none): probed the same way
    meta: { title: 'menu.mCases', group, perm: 'case.report', probe: 'POST /cases', hidden: true, bare: true },
  },
  {
    path: '/m/cases/:id(\\d+)',
    name: 'MobileCaseDetail',
    component: () => import('@/views/mobile/case.vue'),
    meta: { title: 'menu.mCaseDetail', group, perm: 'case.report', probe: 'POST /cases', hidden: true, bare: true },
  },
];
export default cases;
