// Builds the side menu from the routes registered for this account.
import type { RouteRecordNormalized, Router } from 'vue-router';
import { appRoutes } from '@/router';

export interface MenuEntry {
  path: string;
  name: string;
  title: string;
  icon?: string;
}
export interface MenuGroup {
  key: string;
  title: string;
  icon?: string;
  children: MenuEntry[];
}
export type MenuItem = MenuEntry | MenuGroup;

const GROUP_ICONS: Record<string, string> = { 'menu.system': 'Setting', 'menu.plan': 'Tickets', 'menu.indicator': 'DataAnalysis', 'menu.cases': 'Memo', 'menu.projects': 'Briefcase' };

export function buildMenu(router: Router): MenuItem[] {
  const registered = new Map<string, RouteRecordNormalized>();
  for (const r of router.getRoutes()) if (r.name) registered.set(String(r.name), r);
  const out: MenuItem[] = [];
  const groups = new Map<string, MenuGroup>();
  for (const decl of appRoutes) {
    const r = registered.get(String(decl.name));
    if (!r || r.meta.hidden) continue;
    const entry: MenuEntry = { path: r.path, name: String(r.name), title: r.meta.title ?? '', icon: r.meta.icon };
    const g = r.meta.group;
    if (!g) {
      out.push(entry);
      continue;
    }
    let group = groups.get(g);
    if (!group) {
      group = { key: g, title: g, icon: GROUP_ICONS[g], children: [] };
      groups.set(g, group);
      out.push(group);
    }
    group.children.push(entry);
  }
  return out;
}

export function isGroup(m: MenuItem): m is MenuGroup {
  return (m as MenuGroup).children !== undefined;
}
