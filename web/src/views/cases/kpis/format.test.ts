import { describe, expect, it } from 'vitest';
import type { KpiRow } from '@/api/caseKpis';
import { DASH, formatCount, formatDuration, formatRate, lastTwelveMonths, rateSeries } from './format';

describe('case KPI formatting', () => {
  it('shows rates as percentages and nothing as a dash', () => {
    expect(formatRate(0.87345)).toBe('87.3%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(0)).toBe('0.0%');
    expect(formatRate(2 / 3, 2)).toBe('66.67%');
    expect(formatRate(null)).toBe(DASH);
    expect(formatRate(undefined)).toBe(DASH);
    expect(formatRate(Number.NaN)).toBe(DASH);
  });

  it('shows durations in hours under two days, in days above', () => {
    expect(formatDuration(3.5 * 3600, '小时', '天')).toBe('3.5 小时');
    expect(formatDuration(47.9 * 3600, '小时', '天')).toBe('47.9 小时');
    expect(formatDuration(48 * 3600, '小时', '天')).toBe('2.0 天');
    expect(formatDuration(null, '小时', '天')).toBe(DASH);
  });

  it('groups thousands', () => {
    expect(formatCount(10000000)).toBe('10,000,000');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe(DASH);
  });

  it('turns rates into chart percentages and keeps gaps', () => {
    const rows = [{ on_time_rate: 0.91234 }, { on_time_rate: null }, { on_time_rate: 1 }] as unknown as KpiRow[];
    expect(rateSeries(rows, 'on_time_rate')).toEqual([91.2, null, 100]);
  });

  it('defaults to the twelve months up to now', () => {
    expect(lastTwelveMonths(new Date(2026, 5, 15))).toEqual({ from: '2025-07', to: '2026-06' });
    expect(lastTwelveMonths(new Date(2026, 11, 1))).toEqual({ from: '2026-01', to: '2026-12' });
    expect(lastTwelveMonths(new Date(2027, 0, 31))).toEqual({ from: '2026-02', to: '2027-01' });
  });
});
