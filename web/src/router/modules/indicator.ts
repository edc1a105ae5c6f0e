// 經濟指標 (docs/indicators-api.md): the economic cockpit over the month's table.
import type { RouteRecordRaw } from 'vue-router';

const group = 'menu.indicator';

const indicator: RouteRecordRaw[] = [
  {
    path: '/indicators/cockpit',
    name: 'IndicatorCockpit',
    component: () => import('@/views/indicator/cockpit/index.vue'),
    meta: { title: 'menu.cockpit', icon: 'DataLine', group, perm: 'indicator.read', probe: '/indicators/definitions' },
  },
];
export default indicator;
