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
  {
    // The monthly pack: the table, the drafted narrative edited and published (statistician, supervisor).
    path: '/indicators/pack',
    name: 'IndicatorPack',
    component: () => import('@/views/indicator/pack/index.vue'),
    // no GET needs indicator.publish: the probe posts an empty publish (422 month required with it, 403 without)
    meta: { title: 'menu.pack', icon: 'Document', group, perm: 'indicator.publish', probe: 'POST /indicators/pack/publish' },
  },
];
export default indicator;
