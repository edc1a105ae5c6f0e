// Formatting for the work plan pages: status keys, light colours, dates, who did what.
import type { Light, Report, TaskStatus } from '@/api/plan';

/** i18n key suffix for each status the server uses (its values are Chinese words). */
export const STATUS_KEY: Record<TaskStatus, string> = {
  未啟動: 'notStarted',
  推進中: 'inProgress',
  已完成: 'done',
  滯後: 'behind',
  無法完成: 'cannot',
};
/** Status values may arrive in Simplified Chinese too. */
const SIMPLIFIED: Record<string, TaskStatus> = { 未启动: '未啟動', 推进中: '推進中', 已完成: '已完成', 滞后: '滯後', 无法完成: '無法完成' };

export function statusKey(s: string | null | undefined): string {
  if (!s) return 'notStarted';
  const canon = (SIMPLIFIED[s] ?? s) as TaskStatus;
  return STATUS_KEY[canon] ?? 'notStarted';
}

export const STATUS_COLOR: Record<string, string> = {
  notStarted: '#909399',
  inProgress: '#409eff',
  done: '#67c23a',
  behind: '#e6a23c',
  cannot: '#f56c6c',
};

export const LIGHT_COLOR: Record<Light, string> = { green: '#2ba471', yellow: '#e6a23c', red: '#d54941' };

/** "2027-03-10" from an RFC 3339 time or a date, in Asia/Shanghai; "—" when empty. */
export function formatDate(v: string | null | undefined): string {
  if (!v) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const p = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  return p;
}

/** "2027年3月10日" for official documents (dates in Chinese numerals are not required by GB/T 9704-2012). */
export function formatDocDate(v: string | null | undefined): string {
  const d = formatDate(v);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** The name of whoever wrote a report, comment or reply. */
export function who(by: Report['by'] | undefined | null): string {
  if (!by) return '—';
  if (typeof by === 'string') return by;
  return by.display_name || by.name || by.username || '#' + by.id;
}

/** A notice's state as shown: the server keeps an unanswered one "open" and paints it red when late. */
export function followupState(f: { state: string; light?: string }): 'open' | 'replied' | 'overdue' {
  if (f.state === 'replied') return 'replied';
  if (f.state === 'overdue' || f.light === 'red') return 'overdue';
  return 'open';
}

/** The rows of one page: the server's page when it paged, else a slice of everything it sent. */
export function pageOf<T>(items: T[], total: number, page: number, perPage: number): T[] {
  if (items.length < total || items.length <= perPage) return items;
  return items.slice((page - 1) * perPage, page * perPage);
}

/** Share of the period [start, end] before `at` (0..1), for bar positions on the timeline. */
export function position(at: number, start: number, end: number): number {
  if (!(end > start)) return 0;
  return Math.min(1, Math.max(0, (at - start) / (end - start)));
}

/** Milliseconds of a "YYYY-MM-DD" date at midnight in Asia/Shanghai (UTC+8, no DST). */
export function dayMs(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 8 * 3600_000;
}
