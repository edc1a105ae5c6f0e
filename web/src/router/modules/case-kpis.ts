// 案件指标 (docs/case-kpis.md): the KPI dashboard over the case KPI table. Its own module so that
// the case pages' module (router/modules/cases.ts) stays the case engine's.
import type { RouteRecordRaw } from 'vue-router';

const caseKpis: RouteRecordRaw[] = [
  {
    path: '/cases/kpis',
    name: 'CaseKpis',
    component: () => import('@/views/cases/kpis/index.vue'),
    meta: { title: 'menu.caseKpis', icon: 'TrendCharts', group: 'menu.indicator', perm: 'indicator.read', probe: '/case-kpis' },
  },
];
export default caseKpis;
