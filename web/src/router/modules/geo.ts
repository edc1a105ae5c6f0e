// 网格地图 (docs/cases-api.md): streets, communities and grids drawn from their polygons.
import type { RouteRecordRaw } from 'vue-router';

const geo: RouteRecordRaw[] = [
  {
    path: '/map',
    name: 'GeoMap',
    component: () => import('@/views/geo/map/index.vue'),
    meta: { title: 'menu.map', icon: 'MapLocation', perm: 'org.read', probe: '/geo/areas' },
  },
];
export default geo;
