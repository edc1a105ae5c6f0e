// The home page's 待办 panel: what needs the account's attention, each a count read from an
// existing list endpoint and a link to the page that lists it. Only the items the account's
// permissions (GET /me) allow are shown, so no request is refused.
import type { Permission } from '@/api/types';
import { listCases, getQueue } from '@/api/cases';
import { listFollowups, myTasks } from '@/api/plan';
import { listAlerts } from '@/api/indicator';

export interface TodoDef {
  key: string;
  /** i18n key of the label. */
  label: string;
  /** Every one of these is needed. */
  perms: Permission[];
  /** Where the items are listed. */
  to: string;
  /** Red (overdue) or yellow (near the limit): how the count is coloured when it is not zero. */
  tone: 'danger' | 'warning' | 'primary';
}

export const TODO_DEFS: TodoDef[] = [
  { key: 'casesRed', label: 'home.todo.casesRed', perms: ['case.read'], to: '/cases?light=red', tone: 'danger' },
  { key: 'casesYellow', label: 'home.todo.casesYellow', perms: ['case.read'], to: '/cases?light=yellow', tone: 'warning' },
  { key: 'caseQueue', label: 'home.todo.caseQueue', perms: ['case.dispatch'], to: '/cases/queue', tone: 'primary' },
  { key: 'followupsOpen', label: 'home.todo.followupsOpen', perms: ['plan.read', 'plan.report'], to: '/followups?state=open', tone: 'warning' },
  { key: 'followupsOverdue', label: 'home.todo.followupsOverdue', perms: ['plan.read', 'plan.followup'], to: '/followups?state=overdue', tone: 'danger' },
  { key: 'tasksWarning', label: 'home.todo.tasksWarning', perms: ['plan.read', 'plan.report'], to: '/my-tasks', tone: 'warning' },
  { key: 'indicatorAlerts', label: 'home.todo.indicatorAlerts', perms: ['indicator.read'], to: '/indicators/cockpit', tone: 'warning' },
];

/** The items an account with these permissions sees, in order. */
export function todoFor(perms: readonly Permission[]): TodoDef[] {
  return TODO_DEFS.filter((d) => d.perms.every((p) => perms.includes(p)));
}

/** Tasks of my units showing a red or yellow light. */
export function warningTasks(items: { light?: string | null }[]): number {
  return items.filter((n) => n.light === 'red' || n.light === 'yellow').length;
}

/** Reads every count of the given items; a case list is read once for both lights. */
export function loadTodoCounts(defs: TodoDef[], set: (key: string, n: number | 'error') => void): void {
  const keys = new Set(defs.map((d) => d.key));
  const run = (key: string, p: () => Promise<number>) => {
    if (!keys.has(key)) return;
    p().then(
      (n) => set(key, n),
      () => set(key, 'error'),
    );
  };
  if (keys.has('casesRed') || keys.has('casesYellow')) {
    // `lights` counts the open and suspended cases in my scope by light
    listCases({ per_page: 1 }).then(
      (r) => {
        if (keys.has('casesRed')) set('casesRed', r.lights?.red ?? 0);
        if (keys.has('casesYellow')) set('casesYellow', r.lights?.yellow ?? 0);
      },
      () => {
        if (keys.has('casesRed')) set('casesRed', 'error');
        if (keys.has('casesYellow')) set('casesYellow', 'error');
      },
    );
  }
  run('caseQueue', async () => (await getQueue({ per_page: 1 })).total);
  run('followupsOpen', async () => {
    const r = await listFollowups({ state: 'open', per_page: 1 }, true);
    return r.total ?? r.items.length;
  });
  run('followupsOverdue', async () => {
    const r = await listFollowups({ state: 'overdue', per_page: 1 }, true);
    return r.total ?? r.items.length;
  });
  run('tasksWarning', async () => warningTasks((await myTasks(true)).items));
  run('indicatorAlerts', async () => (await listAlerts()).total);
}
