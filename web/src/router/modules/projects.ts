// 重点项目 (docs/projects-api.md): the pipeline board, the project list with the 调度表, a project's
// page, the projects map, the dashboard and the 引办企业. All read with project.read; the writes on
// them (advance, report, raise a problem, 督办, import) show only when the server lists the action.
import type { RouteRecordRaw } from 'vue-router';

const group = 'menu.projects';
const READ = '/projects?per_page=1';

const projects: RouteRecordRaw[] = [
  {
    path: '/projects/dashboard',
    name: 'ProjectDashboard',
    component: () => import('@/views/projects/dashboard/index.vue'),
    meta: { title: 'menu.projectDashboard', icon: 'TrendCharts', group, perm: 'project.read', probe: '/project-dashboard' },
  },
  {
    path: '/projects/board',
    name: 'ProjectBoard',
    component: () => import('@/views/projects/board/index.vue'),
    meta: { title: 'menu.projectBoard', icon: 'Operation', group, perm: 'project.read', probe: READ },
  },
  {
    path: '/projects',
    name: 'ProjectList',
    component: () => import('@/views/projects/list/index.vue'),
    meta: { title: 'menu.projectList', icon: 'List', group, perm: 'project.read', probe: READ },
  },
  {
    path: '/projects/map',
    name: 'ProjectMap',
    component: () => import('@/views/projects/map/index.vue'),
    meta: { title: 'menu.projectMap', icon: 'MapLocation', group, perm: 'project.read', probe: READ },
  },
  {
    path: '/projects/enterprises',
    name: 'Enterprises',
    component: () => import('@/views/projects/enterprises/index.vue'),
    meta: { title: 'menu.enterprises', icon: 'OfficeBuilding', group, perm: 'project.read', probe: '/enterprises?per_page=1' },
  },
  {
    path: '/projects/:id(\\d+)',
    name: 'ProjectDetail',
    component: () => import('@/views/projects/detail/index.vue'),
    meta: { title: 'menu.projectDetail', group, perm: 'project.read', probe: READ, hidden: true, activeMenu: '/projects' },
  },
];
export default projects;
