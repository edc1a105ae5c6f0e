// Shaping a release's content for display: filters over its tasks, rates and hours, its kind.
import type { CaseRow, PublicProject, PublicTask } from '@/api/disclosure';
import { foldZh, someHolds } from '@/utils/zhFold';

/** 0.935 → "93.5%"; null (no denominator) → "—". */
export function rate(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return `${(Math.round(v * 1000) / 10).toFixed(1)}%`;
}

/** Seconds → hours to one decimal; null when there is nothing to average. */
export function hours(seconds: number | null | undefined): number | null {
  if (seconds === null || seconds === undefined) return null;
  return Math.round(seconds / 360) / 10;
}

export interface TaskFilter {
  keyWork?: number | null;
  status?: string | null;
  overdueOnly?: boolean;
  q?: string;
}

/** The tasks a reader asked for: by key work, status, overdue, and text in the title or units. */
export function filterTasks(tasks: readonly PublicTask[], f: TaskFilter): PublicTask[] {
  const q = foldZh((f.q ?? '').trim()); // in either script: 大学生 finds 大學生
  return tasks.filter(
    (t) =>
      (f.keyWork == null || t.key_work === f.keyWork) &&
      (!f.status || t.status === f.status) &&
      (!f.overdueOnly || t.overdue) &&
      (!q || someHolds([t.title, t.number, t.lead_unit ?? '', ...t.co_units], q)),
  );
}

/** The share of tasks done, as a whole percentage (0 for no tasks). */
export function doneShare(done: number, total: number): number {
  return total > 0 ? Math.round((done / total) * 100) : 0;
}

/** The projects a reader asked for: by stage, and text in the number, name or lead unit. */
export function filterProjects(projects: readonly PublicProject[], f: { stage?: string | null; q?: string }): PublicProject[] {
  const q = foldZh((f.q ?? '').trim());
  return projects.filter((p) => (!f.stage || p.stage === f.stage) && (!q || someHolds([p.number, p.name, p.lead_unit ?? ''], q)));
}

/** Every month of the year up to as_of's, those without published cases as zeros (the chart's axis). */
export function allMonths(year: number, asOf: string, rows: readonly CaseRow[]): CaseRow[] {
  const last = asOf.startsWith(String(year)) ? Number(asOf.slice(5, 7)) : 12;
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const out: CaseRow[] = [];
  for (let m = 1; m <= last; m++) {
    const key = `${year}-${String(m).padStart(2, '0')}`;
    out.push(
      byKey.get(key) ?? { key, name: key, reported: 0, closed: 0, closure_rate: null, on_time_rate: null, satisfaction_rate: null, avg_handling_s: null, overdue_open: 0 },
    );
  }
  return out;
}
