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
