// The working-day calendar (GET /calendar, docs/operations.md): office hours and China's special
// days (holidays and weekend days made working days), as the server counts time limits.
import { request } from './http';

export interface SpecialDay {
  date: string; // YYYY-MM-DD, China time
  kind: 'holiday' | 'workday';
  festival: string;
  source: string;
}

export interface CalendarDoc {
  office_hours: string; // "08:30-12:00,13:30-17:30"
  years: number[];
  days: SpecialDay[];
  edits: unknown;
}

export function getCalendar(year?: number): Promise<CalendarDoc> {
  return request<CalendarDoc>('GET', '/calendar', { query: year ? { year } : {} });
}

export interface CalendarEdits {
  days?: { date: string; kind: 'holiday' | 'workday'; festival?: string; source?: string }[];
  office_hours?: string;
}

/** Replaces the administrators' edits (calendar.admin); validated all or nothing by the server. */
export function putCalendar(edits: CalendarEdits): Promise<CalendarDoc> {
  return request<CalendarDoc>('PUT', '/calendar', { json: edits, silent: true });
}

/**
 * Lines pasted from a notice: "2027-01-01,放假,元旦,依据" (comma, tab or full-width comma; 放假/休/holiday,
 * 上班/班/workday). Returns the days and the 1-based numbers of the lines not understood.
 */
export function parseNoticeLines(text: string): { days: NonNullable<CalendarEdits['days']>; bad: { line: number; text: string }[] } {
  const days: NonNullable<CalendarEdits['days']> = [];
  const bad: { line: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const f = line.split(/[,，\t]/).map((s) => s.trim());
    const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(f[0] || '');
    const k = (f[1] || '').toLowerCase();
    const kind = ['放假', '休', '休息', 'holiday'].includes(k) ? 'holiday' : ['上班', '班', '调休上班', '調休上班', 'workday'].includes(k) ? 'workday' : null;
    if (!m || !kind) {
      bad.push({ line: i + 1, text: line });
      return;
    }
    const date = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
    days.push({ date, kind, festival: f[2] || '', source: f.slice(3).join(',') || '' });
  });
  return { days, bad };
}
