import { describe, expect, it } from 'vitest';
import { dayMs, followupState, formatDate, formatDocDate, pageOf, position, statusKey, who } from './format';

describe('plan formatters', () => {
  it('maps statuses in Traditional and Simplified', () => {
    expect(statusKey('未啟動')).toBe('notStarted');
    expect(statusKey('滞后')).toBe('behind');
    expect(statusKey('無法完成')).toBe('cannot');
    expect(statusKey(undefined)).toBe('notStarted');
  });
  it('formats dates in Asia/Shanghai', () => {
    expect(formatDate('2027-03-10')).toBe('2027-03-10');
    expect(formatDate('2027-03-09T17:30:00Z')).toBe('2027-03-10'); // 01:30 in Beijing
    expect(formatDate(null)).toBe('—');
    expect(formatDocDate('2027-03-09T17:30:00Z')).toBe('2027年3月10日');
  });
  it('positions dates on a period', () => {
    const a = dayMs('2027-01-01');
    const b = dayMs('2027-12-31');
    expect(position(a, a, b)).toBe(0);
    expect(position(b + 1e9, a, b)).toBe(1);
    expect(position(dayMs('2027-07-02'), a, b)).toBeCloseTo(0.5, 2);
    expect(new Date(dayMs('2027-01-01')).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });
  it('shows an unanswered red notice as overdue', () => {
    expect(followupState({ state: 'open', light: 'red' })).toBe('overdue');
    expect(followupState({ state: 'open', light: 'yellow' })).toBe('open');
    expect(followupState({ state: 'replied', light: 'red' })).toBe('replied');
  });
  it('pages what the server sent whole, and keeps what it paged', () => {
    const all = Array.from({ length: 45 }, (_, i) => i);
    expect(pageOf(all, 45, 3, 20)).toEqual([40, 41, 42, 43, 44]);
    expect(pageOf(all.slice(0, 20), 45, 1, 20)).toHaveLength(20);
    expect(pageOf([1, 2], 2, 1, 20)).toEqual([1, 2]);
  });
  it('names authors whatever shape they come in', () => {
    expect(who('張三')).toBe('張三');
    expect(who({ id: 3, display_name: '李四' })).toBe('李四');
    expect(who({ id: 3 })).toBe('#3');
  });
});
