import { describe, expect, it } from 'vitest';
import { ApiError } from '@/api/http';
import type { IndicatorDef, TargetCheck } from '@/api/indicator';
import { i18n, setLocale } from '@/locales';
import { asciiNumber, checkSummary, decimalProblem, enterable, monthAllowed, parseMonth, snapPeriod, targetRows, templateCsv, valueError, jumpDetail } from './entry';

const t = (k: string, p?: Record<string, unknown>) => i18n.global.t(k, p ?? {});
const te = (k: string) => i18n.global.te(k);
const def = (over: Partial<IndicatorDef>): IndicatorDef =>
  ({ id: 1, code: 'FISCAL_REV', name_zh: '一般公共預算收入', name_en: '', aliases: [], unit: '億元', scale: 2, periodicity: 'monthly', jan_feb_combined: true, additive: true, price_basis: 'current', comparable_growth: false, higher_is_better: true, owner_unit_id: null, formula: null, min: '0', max: null, jump_share: '0.5', builtin: true, version: 1, ...over }) as IndicatorDef;

describe('periods an indicator takes', () => {
  it('monthly with 1-2月 combined refuses January only', () => {
    const d = def({});
    expect(monthAllowed(d, 1)).toBe(false);
    expect([2, 6, 12].every((m) => monthAllowed(d, m))).toBe(true);
    expect(monthAllowed(def({ jan_feb_combined: false }), 1)).toBe(true);
  });
  it('quarterly takes the quarter-end months, annual December', () => {
    const q = def({ periodicity: 'quarterly', jan_feb_combined: false });
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].filter((m) => monthAllowed(q, m))).toEqual([3, 6, 9, 12]);
    expect([11, 12].map((m) => monthAllowed(def({ periodicity: 'annual' }), m))).toEqual([false, true]);
    expect(monthAllowed(null, 1)).toBe(true);
  });
  it('snaps a month back to the nearest period the indicator takes', () => {
    expect(snapPeriod(def({ periodicity: 'quarterly', jan_feb_combined: false }), '2026-05')).toBe('2026-03');
    expect(snapPeriod(def({}), '2026-01')).toBe('2025-12');
    expect(snapPeriod(def({ periodicity: 'annual' }), '2026-10')).toBe('2025-12');
    expect(snapPeriod(def({}), '2026-10')).toBe('2026-10');
    expect(snapPeriod(null, '2026-01')).toBe('2026-01');
  });
  it('parses YYYY-MM only', () => {
    expect(parseMonth('2026-06')).toEqual([2026, 6]);
    expect(parseMonth('2026-13')).toBeNull();
    expect(parseMonth('2026-6')).toBeNull();
    expect(parseMonth(null)).toBeNull();
  });
});

describe('checks before sending a figure', () => {
  it('makes a figure typed full-width plain, as the server reads it', () => {
    expect(asciiNumber('１３．０８')).toBe('13.08');
    expect(asciiNumber('\u3000－１，０００ ')).toBe('-1000');
    expect(asciiNumber('＋5')).toBe('+5');
    expect(asciiNumber('13.08')).toBe('13.08');
  });
  it('wants a decimal with at most scale + 4 decimals', () => {
    expect(decimalProblem('', 2)?.key).toBe('indicator.entry.err.required');
    expect(decimalProblem(' 13.08 ', 2)).toBeNull();
    expect(decimalProblem('-3.5', 2)).toBeNull();
    expect(decimalProblem('1,000', 2)).toBeNull(); // the server drops thousands commas too
    expect(decimalProblem('１３．２', 2)).toBeNull(); // full-width, as a Chinese input method types it
    expect(decimalProblem('－５', 2)).toBeNull();
    expect(decimalProblem('十三', 2)?.key).toBe('indicator.entry.err.decimal');
    expect(decimalProblem('1.2.3', 2)?.key).toBe('indicator.entry.err.decimal');
    expect(decimalProblem('1e3', 2)?.key).toBe('indicator.entry.err.decimal');
    expect(decimalProblem('1.123456', 2)).toBeNull();
    expect(decimalProblem('1.1234567', 2)).toEqual({ key: 'indicator.entry.err.decimals', params: { n: 6 } });
    expect(decimalProblem('7', 0)).toBeNull();
  });
  it('leaves formula indicators out of entry', () => {
    expect(enterable([def({}), def({ code: 'PER_CAP', formula: 'RETAIL / POP' })]).map((d) => d.code)).toEqual(['FISCAL_REV']);
  });
});

describe('server errors on the entry form', () => {
  it('puts a field error on its field with this page’s label', () => {
    setLocale('zh-CN');
    const e = new ApiError(422, 'invalid_field', "value must be a decimal number such as 13.08 (got 'abc')", { field: 'value' });
    expect(valueError(e, 'zh-CN', t, te)).toEqual({ field: 'value', text: "「累计值」填写有误（value must be a decimal number such as 13.08 (got 'abc')）", jump: false });
    const u = new ApiError(422, 'invalid_field', 'unit 95 is out of scope', { field: 'unit_id' });
    expect(valueError(u, 'zh-CN', t, te).text).toBe('「单位」填写有误（unit 95 is out of scope）');
  });
  it('asks to confirm a jump', () => {
    setLocale('zh-CN');
    const e = new ApiError(422, 'jump', 'the figure implies 97.2 a month against 0.23 ... send confirm_jump: true if it is right', { field: 'value' });
    const v = valueError(e, 'zh-CN', t, te);
    expect(v.jump).toBe(true);
    expect(v.field).toBe('value');
    expect(v.text).toContain('变动幅度过大');
    expect(jumpDetail(e, t)).toBe(e.message); // an older server gave no figures
  });
  it("words the jump's figures in the user's language", () => {
    const e = new ApiError(422, 'jump', 'the figure implies -0.8300 a month against 1.3300 ...', {
      field: 'value',
      details: { per_month: '-0.8300', before: '1.3300', change_pct: '-162.4', jump_share: '0.5' },
    });
    setLocale('zh-CN');
    expect(jumpDetail(e, t)).toBe('按此数值，本期月均 -0.83，上一期月均 1.33，变动 -162.4%，超过允许的 50%。');
    setLocale('en');
    expect(jumpDetail(e, t)).toBe('This figure means -0.83 a month against 1.33 in the period before (-162.4%), beyond the 50% allowed.');
    setLocale('zh-CN');
  });
  it('keeps an error of no known field for the whole form', () => {
    setLocale('zh-CN');
    const v = valueError(new ApiError(403, 'forbidden', 'needs indicator.write'), 'zh-CN', t, te);
    expect(v.field).toBeNull();
    expect(v.text).toContain('没有权限');
  });
});

describe('targets', () => {
  const check = (over: Partial<TargetCheck>): TargetCheck => ({ indicator: 'FISCAL_REV', year: 2026, parent_unit_id: 1, parent: '15.04', children_sum: '15.04', difference: '0.00', ok: true, missing: [], additive: true, ...over });
  const names = (id: number) => ({ 2: '春柳街道', 15: '马栏街道' })[id] ?? '#' + id;
  it('lists the district first, then its streets, with their targets', () => {
    const rows = targetRows({ id: 1, name: '沙河口区' }, [{ id: 15, name: '马栏街道' }, { id: 2, name: '春柳街道' }], [
      { id: 5, indicator: 'FISCAL_REV', unit_id: 2, unit_name: '春柳街道', year: 2026, value: '2.76', growth_percent: null, base: null, exact: '2.76' },
    ]);
    expect(rows.map((r) => [r.unit_name, r.parent, r.target?.value ?? null])).toEqual([
      ['沙河口区', true, null],
      ['马栏街道', false, null],
      ['春柳街道', false, '2.76'],
    ]);
    expect(targetRows(null, [{ id: 2, name: '春柳街道' }], []).map((r) => r.parent)).toEqual([false]);
  });
  it('says how the streets add up against the district', () => {
    setLocale('zh-CN');
    const say = (c: TargetCheck | null) => {
      const s = checkSummary(c, names);
      return [s.level, t(s.key, s.params)];
    };
    expect(say(check({}))).toEqual(['success', '分解无误：街道目标合计 15.04，等于全区目标 15.04']);
    expect(say(check({ children_sum: '15.08', difference: '-0.04', ok: false }))).toEqual(['error', '街道目标合计 15.08，超出全区目标 15.04 共 0.04']);
    expect(say(check({ children_sum: '12.28', difference: '2.76', ok: false, missing: [2] }))).toEqual([
      'warning',
      '街道目标合计 12.28，比全区目标 15.04 少 2.76；未设目标：春柳街道',
    ]);
    expect(say(check({ children_sum: '15.00', difference: '0.04', ok: false }))[0]).toBe('error');
    expect(say(check({ additive: false, ok: null, children_sum: null, missing: [2, 15] }))[0]).toBe('info');
    expect(say(null)).toEqual(['info', '尚未设置该指标本年度的目标']);
    expect(say(check({ parent: null }))[1]).toBe('全区目标尚未设置，无法核对分解');
  });
});

describe('the import template', () => {
  it('is the long layout with a BOM and CRLF', () => {
    const csv = templateCsv([{ indicator: 'FISCAL_REV', unitCode: '210204006', period: '2026-10' }]);
    expect(csv).toBe('\uFEFF指标,单位代码,期别,数值,状态\r\nFISCAL_REV,210204006,2026-10,,初步\r\n');
  });
});
