import { describe, expect, it, vi } from 'vitest';
import { ROLE_PERMISSIONS } from '@/api/roles';

vi.mock('@/api/cases', () => ({
  listCases: vi.fn(async () => ({ items: [], total: 9, page: 1, per_page: 1, lights: { green: 5, yellow: 3, red: 1 } })),
  getQueue: vi.fn(async () => ({ items: [], total: 4, page: 1, per_page: 1 })),
}));
vi.mock('@/api/plan', () => ({
  listFollowups: vi.fn(async (q: { state: string }) => ({ items: [], total: q.state === 'open' ? 2 : 0 })),
  myTasks: vi.fn(async () => ({ items: [{ light: 'red' }, { light: 'green' }, { light: 'yellow' }, { light: null }], total: 4, followups: [] })),
}));
vi.mock('@/api/indicator', () => ({ listAlerts: vi.fn(async () => Promise.reject(new Error('offline'))) }));

const { loadTodoCounts, todoFor, warningTasks, TODO_DEFS } = await import('./todo');
const keys = (role: keyof typeof ROLE_PERMISSIONS) => todoFor(ROLE_PERMISSIONS[role]).map((d) => d.key);

describe('home page 待办', () => {
  it('shows each role only what its permissions let it read', () => {
    expect(keys('staff')).toEqual(['casesRed', 'casesYellow', 'followupsOpen', 'tasksWarning', 'indicatorAlerts']);
    expect(keys('supervisor')).toEqual(['casesRed', 'casesYellow', 'caseQueue', 'followupsOverdue', 'indicatorAlerts']);
    expect(keys('leader')).toEqual(['casesRed', 'casesYellow', 'indicatorAlerts']);
    expect(keys('inspector')).toEqual(['casesRed', 'casesYellow']);
    expect(keys('statistician')).toEqual(['indicatorAlerts']);
    for (const r of ['sysadmin', 'secadmin', 'auditor'] as const) expect(keys(r)).toEqual([]);
  });

  it('links every item to a page', () => {
    for (const d of TODO_DEFS) expect(d.to).toMatch(/^\/[a-z]/);
  });

  it('counts red and yellow tasks', () => {
    expect(warningTasks([{ light: 'red' }, { light: 'yellow' }, { light: 'green' }, {}])).toBe(2);
  });

  it('reads the counts; a failed read is marked, not counted as zero', async () => {
    const got: Record<string, number | 'error'> = {};
    loadTodoCounts(todoFor([...ROLE_PERMISSIONS.staff, ...ROLE_PERMISSIONS.supervisor]), (k, n) => (got[k] = n));
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual({ casesRed: 1, casesYellow: 3, caseQueue: 4, followupsOpen: 2, followupsOverdue: 0, tasksWarning: 2, indicatorAlerts: 'error' });
  });
});
