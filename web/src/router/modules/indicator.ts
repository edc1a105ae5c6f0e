// 經濟指標 (docs/indicators-api.md): the economic cockpit over the month's table, the statistician's
// data entry and the monthly pack.
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
    // 数据填报: the statistician enters and imports values and sets and splits the annual targets.
    path: '/indicators/entry',
    name: 'IndicatorEntry',
    component: () => import('@/views/indicator/entry/index.vue'),
    // the writes need indicator.write: the probe puts a body the server refuses (422 with it, 403 without)
    meta: { title: 'menu.entry', icon: 'EditPen', group, perm: 'indicator.write', probe: 'PUT /indicators/values' },
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
