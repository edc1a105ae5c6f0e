import { describe, expect, it } from 'vitest';
import { formatAmount, formatDate, formatDateTime, formatWan, minutesLeft, toShanghaiRfc3339 } from './format';

describe('formatAmount', () => {
  it('uses 亿元 from 100 million yuan up', () => {
    expect(formatAmount(123_456_789)).toBe('1.23亿元');
    expect(formatAmount(100_000_000)).toBe('1.00亿元');
    expect(formatAmount(1_234_567_890_000)).toBe('12,345.68亿元');
  });
  it('uses 万元 from 10,000 yuan up', () => {
    expect(formatAmount(10_000)).toBe('1.00万元');
    expect(formatAmount(99_999_999)).toBe('10,000.00万元');
    expect(formatAmount(45_678)).toBe('4.57万元');
  });
  it('keeps whole yuan below 10,000', () => {
    expect(formatAmount(9_999)).toBe('9,999元');
    expect(formatAmount(0)).toBe('0元');
    expect(formatAmount(12.5, { digits: 2 })).toBe('12.50元');
  });
  it('writes Traditional characters for zh-TW', () => {
    expect(formatAmount(250_000_000, { locale: 'zh-TW' })).toBe('2.50億元');
    expect(formatAmount(35_000, { locale: 'zh-TW' })).toBe('3.50萬元');
  });
  it('takes input in 万元', () => {
    expect(formatAmount(12_000, { from: 'wan' })).toBe('1.20亿元');
    expect(formatWan(3_500)).toBe('3,500.00万元');
    expect(formatWan(0.5)).toBe('5,000元');
  });
  it('handles negatives, digits and missing values', () => {
    expect(formatAmount(-150_000_000)).toBe('-1.50亿元');
    expect(formatAmount(-0.001, { digits: 2 })).toBe('0.00元');
    expect(formatAmount(123_456_789, { digits: 4 })).toBe('1.2346亿元');
    expect(formatAmount(null)).toBe('—');
    expect(formatAmount(undefined)).toBe('—');
    expect(formatAmount(Number.NaN)).toBe('—');
    expect(formatAmount(Number.POSITIVE_INFINITY)).toBe('—');
  });
  it('uses million and billion in English', () => {
    expect(formatAmount(123_456_789, { locale: 'en' })).toBe('CNY 123.46 million');
    expect(formatAmount(2_500_000_000, { locale: 'en' })).toBe('CNY 2.50 billion');
    expect(formatAmount(45_678, { locale: 'en' })).toBe('CNY 45,678');
  });
});

describe('dates in Asia/Shanghai', () => {
  it('shows UTC times eight hours ahead', () => {
    expect(formatDateTime('2026-11-28T12:48:00.123Z')).toBe('2026-11-28 20:48:00');
    expect(formatDateTime('2026-12-31T16:00:00Z')).toBe('2027-01-01 00:00:00');
    expect(formatDate('2026-12-31T16:00:00Z')).toBe('2027-01-01');
  });
  it('accepts other offsets and rejects bad input', () => {
    expect(formatDateTime('2026-06-01T08:00:00+08:00')).toBe('2026-06-01 08:00:00');
    expect(formatDateTime('')).toBe('—');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('not a time')).toBe('—');
  });
  it('writes filter times with +08:00', () => {
    expect(toShanghaiRfc3339(new Date('2026-11-28T12:48:05Z'))).toBe('2026-11-28T20:48:05+08:00');
  });
  it('rounds a wait up to whole minutes', () => {
    expect(minutesLeft(1)).toBe(1);
    expect(minutesLeft(60)).toBe(1);
    expect(minutesLeft(61)).toBe(2);
    expect(minutesLeft(900)).toBe(15);
  });
});
