// Pure formatting of the case KPI dashboard: rates as percentages, durations in hours or days,
// and the chart series (rates as numbers, nulls kept as gaps).
import type { KpiRow } from '@/api/caseKpis';

export const DASH = '—';

/** 0.8734 → "87.3%"; null → "—". */
export function formatRate(v: number | null | undefined, digits = 1): string {
  if (v == null || !Number.isFinite(v)) return DASH;
  return (v * 100).toFixed(digits) + '%';
}

/** Seconds → "3.5 小时" under two days, "2.4 天" above; unit words come from the caller. */
export function formatDuration(s: number | null | undefined, hours: string, days: string): string {
  if (s == null || !Number.isFinite(s)) return DASH;
  if (s < 48 * 3600) return (s / 3600).toFixed(1) + ' ' + hours;
  return (s / 86400).toFixed(1) + ' ' + days;
}

/** 12345 → "12,345". */
export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return DASH;
  return Math.round(n).toLocaleString('en-US');
}

/** A rate series for a chart: percentages with one decimal, null where there is no figure. */
export function rateSeries(rows: KpiRow[], key: keyof KpiRow): (number | null)[] {
  return rows.map((r) => {
    const v = r[key];
    return typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1000) / 10 : null;
  });
}

/** The default period: the twelve months up to the given one ("YYYY-MM"). */
export function lastTwelveMonths(now: Date): { from: string; to: string } {
  const y = now.getFullYear();
  const m = now.getMonth() + 1;
  const pad = (n: number) => String(n).padStart(2, '0');
  const fromY = m === 12 ? y : y - 1;
  const fromM = m === 12 ? 1 : m + 1;
  return { from: `${fromY}-${pad(fromM)}`, to: `${y}-${pad(m)}` };
}
