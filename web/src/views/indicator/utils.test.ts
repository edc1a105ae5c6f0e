import { describe, expect, it } from 'vitest';
import {
  BAD_COLOR,
  GOOD_COLOR,
  NEUTRAL_COLOR,
  formatDecimal,
  formatSigned,
  isFavourable,
  monthBefore,
  previousMonth,
  signColor,
  signOf,
  sourceText,
  toNumber,
} from './utils';

describe('cockpit helpers', () => {
  it('formats decimal strings without losing digits', () => {
    expect(formatDecimal('7.60')).toBe('7.60');
    expect(formatDecimal('12345.6')).toBe('12,345.6');
    expect(formatDecimal('1234567')).toBe('1,234,567');
    expect(formatDecimal('-0.00')).toBe('0.00');
    expect(formatDecimal('-1234.5')).toBe('-1,234.5');
    expect(formatDecimal(null)).toBe('—');
    expect(formatDecimal('')).toBe('—');
  });

  it('signs rates and gaps', () => {
    expect(signOf('15.8')).toBe(1);
    expect(signOf('-2.1')).toBe(-1);
    expect(signOf('0.0')).toBe(0);
    expect(signOf('-0.0')).toBe(0);
    expect(signOf('abc')).toBeNull();
    expect(formatSigned('15.8')).toBe('+15.8');
    expect(formatSigned('-2.1')).toBe('-2.1');
    expect(formatSigned('0.0')).toBe('0.0');
    expect(formatSigned(undefined)).toBe('—');
  });

  it('colours by sign and the indicator direction', () => {
    expect(signColor('3.2', true)).toBe(GOOD_COLOR);
    expect(signColor('-3.2', true)).toBe(BAD_COLOR);
    expect(signColor('3.2', false)).toBe(BAD_COLOR);
    expect(signColor('-3.2', false)).toBe(GOOD_COLOR);
    expect(signColor('0.0')).toBe(NEUTRAL_COLOR);
    expect(signColor(null)).toBe(NEUTRAL_COLOR);
    expect(isFavourable('1', true)).toBe(true);
    expect(isFavourable('0')).toBeNull();
  });

  it('numbers for charts and months', () => {
    expect(toNumber('15.8')).toBe(15.8);
    expect(toNumber(null)).toBeNull();
    expect(previousMonth(new Date(2027, 0, 15))).toBe('2026-12');
    expect(previousMonth(new Date(2026, 6, 1))).toBe('2026-06');
    expect(monthBefore('2026-01')).toBe('2025-12');
    expect(monthBefore('2026-10')).toBe('2026-09');
  });
});

describe('sourceText', () => {
  const t = (k: string, p?: Record<string, unknown>) => k + (p ? JSON.stringify(p) : '');
  it('names the stored sources and keeps an import’s file name', () => {
    expect(sourceText('manual', t)).toBe('indicator.history.sourceName.manual');
    expect(sourceText('import:2026-06.xlsx', t)).toBe('indicator.history.sourceName.import{"file":"2026-06.xlsx"}');
    expect(sourceText('other', t)).toBe('other');
    expect(sourceText(null, t)).toBe('—');
  });
});
