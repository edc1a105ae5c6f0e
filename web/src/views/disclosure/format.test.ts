import { describe, expect, it } from 'vitest';
import type { PublicProject, PublicTask } from '@/api/disclosure';
import { allMonths, doneShare, filterProjects, filterTasks, hours, rate } from './format';

const task = (over: Partial<PublicTask>): PublicTask => ({
  key_work: 1,
  number: '1.1.1',
  title: '道路改造',
  lead_unit: '春柳街道',
  co_units: [],
  due_date: '2026-12-31',
  status: '推進中',
  percent: 40,
  overdue: false,
  ...over,
});

describe('disclosure format', () => {
  it('words rates and leaves a missing one as a dash', () => {
    expect(rate(0.935)).toBe('93.5%');
    expect(rate(1)).toBe('100.0%');
    expect(rate(0)).toBe('0.0%');
    expect(rate(null)).toBe('—');
  });
  it('turns seconds into hours to one decimal', () => {
    expect(hours(5400)).toBe(1.5);
    expect(hours(0)).toBe(0);
    expect(hours(null)).toBeNull();
  });
  it('filters tasks by key work, status, overdue and text in the title or a unit', () => {
    const ts = [
      task({ number: '1.1', title: '道路改造' }),
      task({ number: '1.2', title: '建设公园', lead_unit: '马栏街道', overdue: true, status: '滯後' }),
      task({ number: '2.1', key_work: 2, title: '新增就业', co_units: ['区人社局'] }),
    ];
    expect(filterTasks(ts, {}).length).toBe(3);
    expect(filterTasks(ts, { keyWork: 2 }).map((t) => t.number)).toEqual(['2.1']);
    expect(filterTasks(ts, { status: '滯後' }).map((t) => t.number)).toEqual(['1.2']);
    expect(filterTasks(ts, { overdueOnly: true }).map((t) => t.number)).toEqual(['1.2']);
    expect(filterTasks(ts, { q: '马栏' }).map((t) => t.number)).toEqual(['1.2']);
    expect(filterTasks(ts, { q: '人社' }).map((t) => t.number)).toEqual(['2.1']);
    expect(filterTasks(ts, { keyWork: 1, q: '公园' }).map((t) => t.number)).toEqual(['1.2']);
    // typed in the other script: 公園 and 馬欄 find what is stored as 公园 and 马栏
    expect(filterTasks(ts, { q: '公園' }).map((t) => t.number)).toEqual(['1.2']);
    expect(filterTasks(ts, { q: '馬欄' }).map((t) => t.number)).toEqual(['1.2']);
    const seed = [task({ number: '3.1', title: '突出大學生就業' })];
    expect(filterTasks(seed, { q: '大学生就业' }).map((t) => t.number)).toEqual(['3.1']);
    expect(filterTasks(seed, { q: '大学生创业' })).toEqual([]);
  });
  it('gives the share done as a whole percentage', () => {
    expect(doneShare(1, 3)).toBe(33);
    expect(doneShare(0, 0)).toBe(0);
  });
  it('filters projects by stage and text in the number, name or lead unit', () => {
    const p = (over: Partial<PublicProject>): PublicProject => ({
      number: 'XM-2026-0001', name: '诺德大厦', project_kind: 'industry', stage: 'started', stage_name: '开工', lead_unit: '区发改局',
      total_investment_wan: 1000, annual_plan_wan: 100, invested_this_year_wan: 50, completion_percent: 50, ...over,
    });
    const ps = [p({}), p({ number: 'XM-2026-0002', name: '期货广场', stage: 'completed', lead_unit: '区商务局' })];
    expect(filterProjects(ps, {}).length).toBe(2);
    expect(filterProjects(ps, { stage: 'completed' }).map((x) => x.number)).toEqual(['XM-2026-0002']);
    expect(filterProjects(ps, { q: '商务' }).map((x) => x.number)).toEqual(['XM-2026-0002']);
    expect(filterProjects(ps, { q: '0001' }).map((x) => x.number)).toEqual(['XM-2026-0001']);
    expect(filterProjects(ps, { stage: 'started', q: '期货' })).toEqual([]);
    expect(filterProjects(ps, { q: '諾德大廈' }).map((x) => x.number)).toEqual(['XM-2026-0001']);
    expect(filterProjects(ps, { q: 'xm-2026-0002' }).map((x) => x.number)).toEqual(['XM-2026-0002']);
  });
  it('gives every month of the year up to the day counted, empty ones as zeros', () => {
    const row = { key: '2026-03', name: '2026-03', reported: 4, closed: 1, closure_rate: 0.25, on_time_rate: 1, satisfaction_rate: null, avg_handling_s: 60, overdue_open: 0 };
    const ms = allMonths(2026, '2026-04-10', [row]);
    expect(ms.map((m) => m.key)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04']);
    expect(ms.map((m) => m.reported)).toEqual([0, 0, 4, 0]);
    expect(allMonths(2025, '2026-04-10', []).length).toBe(12);
  });
});
