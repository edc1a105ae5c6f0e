// Pure helpers of 数据填报 (the statistician's page): which months an indicator takes, the checks a
// value passes before it is sent, server errors placed on the form's fields, and the sum of the
// streets' targets against the district's.
import type { ApiError } from '@/api/http';
import { apiErrorText } from '@/api/errorText';
import type { IndicatorDef, IndicatorTarget, TargetCheck } from '@/api/indicator';
import type { OrgUnit } from '@/api/types';
import { formatDecimal } from '../utils';

type Translate = (key: string, params?: Record<string, unknown>) => string;
type Exists = (key: string) => boolean;

/** Definitions a person may enter: formula indicators are computed by the server. */
export function enterable(defs: readonly IndicatorDef[]): IndicatorDef[] {
  return defs.filter((d) => !d.formula);
}

/**
 * Whether the month (1-12) is a period of the indicator: quarterly ones take the quarter's last month,
 * annual ones December, monthly ones any month but January when January and February are reported
 * together (1-2月).
 */
export function monthAllowed(def: Pick<IndicatorDef, 'periodicity' | 'jan_feb_combined'> | null | undefined, month: number): boolean {
  if (!def) return true;
  if (def.periodicity === 'quarterly') return month % 3 === 0;
  if (def.periodicity === 'annual') return month === 12;
  return !(def.jan_feb_combined && month === 1);
}

/** "2026-06" → [2026, 6]; null when not YYYY-MM. */
export function parseMonth(s: string | null | undefined): [number, number] | null {
  const m = /^(\d{4})-(\d{2})$/.exec(s ?? '');
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? [Number(m[1]), month] : null;
}

/** The nearest allowed period at or before `period` (e.g. a quarterly indicator's "2026-05" → "2026-03"). */
export function snapPeriod(def: Pick<IndicatorDef, 'periodicity' | 'jan_feb_combined'> | null | undefined, period: string): string {
  const p = parseMonth(period);
  if (!p || !def) return period;
  let [y, m] = p;
  for (let i = 0; i < 24 && !monthAllowed(def, m); i++) {
    m--;
    if (m === 0) {
      y--;
      m = 12;
    }
  }
  return `${y}-${String(m).padStart(2, '0')}`;
}

const DECIMAL = /^[-+]?\d+(\.\d+)?$/;

/**
 * A figure as typed with a Chinese input method in ASCII, as the server reads it: full-width
 * digits, point, signs and comma, and the ideographic space, made plain; thousands commas and
 * spaces dropped. "１３．２" → "13.2", "1,000" → "1000".
 */
export function asciiNumber(s: string): string {
  return s
    .replace(/[\uFF10-\uFF19\uFF0E\uFF0D\uFF0B\uFF0C]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[,\s\u3000]/g, '');
}

/**
 * What is wrong with a typed figure before it is sent, as a message key (null: nothing): empty,
 * not a decimal, or more decimals than the definition allows (its scale + 4, as the server).
 */
export function decimalProblem(s: string, scale?: number | null): { key: string; params?: Record<string, unknown> } | null {
  const v = asciiNumber(s);
  if (!v) return { key: 'indicator.entry.err.required' };
  if (!DECIMAL.test(v)) return { key: 'indicator.entry.err.decimal' };
  const decimals = (v.split('.')[1] ?? '').length;
  const max = (scale ?? 2) + 4;
  if (decimals > max) return { key: 'indicator.entry.err.decimals', params: { n: max } };
  return null;
}

/** The fields of the entry form that a server error may name. */
export const VALUE_FIELDS = ['indicator', 'unit_id', 'period', 'value', 'status', 'growth', 'note'] as const;
export type ValueField = (typeof VALUE_FIELDS)[number];

/**
 * A server error for the entry form: the field it belongs to (null: the whole form) and the text,
 * in the app's wording (apiErrorText) but with this page's labels for the fields (the general
 * label of unit_id is 承办单位, here it is the unit the figure belongs to).
 */
/** A decimal as the server writes it ("2.0000", "+100.0"), without the trailing zeros. */
function trimDecimal(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v ?? '?');
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/**
 * The jump check's figures in the user's language: what the new figure implies a month against the
 * period before. The server's English message when it gave no figures (an older server).
 */
export function jumpDetail(e: ApiError, t: Translate): string {
  const d = e.details;
  if (!d || d.per_month === undefined) return e.message;
  return t('indicator.entry.jumpDetail', {
    perMonth: trimDecimal(d.per_month),
    before: trimDecimal(d.before),
    change: trimDecimal(d.change_pct),
    share: `${Math.round(Number(d.jump_share) * 100)}%`,
  });
}

export function valueError(e: ApiError, locale: string, t: Translate, te: Exists): { field: ValueField | null; text: string; jump: boolean } {
  const field = (VALUE_FIELDS as readonly string[]).includes(e.field ?? '') ? (e.field as ValueField) : null;
  const own: Translate = (key, params) => {
    const m = /^apiError\.fields\.(\w+)$/.exec(key);
    if (m && te(`indicator.entry.field.${m[1]}`)) return t(`indicator.entry.field.${m[1]}`);
    return t(key, params);
  };
  const ownTe: Exists = (key) => {
    const m = /^apiError\.fields\.(\w+)$/.exec(key);
    return (m !== null && te(`indicator.entry.field.${m[1]}`)) || te(key);
  };
  if (e.code === 'jump') return { field: 'value', text: t('indicator.entry.jump'), jump: true };
  return { field, text: apiErrorText(e, locale, own, ownTe), jump: false };
}

/** One line of the targets table: the district first, then its streets. */
export interface TargetRow {
  unit_id: number;
  unit_name: string;
  parent: boolean;
  target: IndicatorTarget | null;
}

export function targetRows(parent: Pick<OrgUnit, 'id' | 'name'> | null, children: Pick<OrgUnit, 'id' | 'name'>[], targets: IndicatorTarget[]): TargetRow[] {
  const by = new Map(targets.map((t) => [t.unit_id, t]));
  const rows: TargetRow[] = [];
  if (parent) rows.push({ unit_id: parent.id, unit_name: parent.name, parent: true, target: by.get(parent.id) ?? null });
  for (const c of children) rows.push({ unit_id: c.id, unit_name: c.name, parent: false, target: by.get(c.id) ?? null });
  return rows;
}

/**
 * The split check as one sentence and a level: the streets' sum against the district's target
 * (difference = parent − sum: positive means not all of it is handed down, negative too much).
 */
export function checkSummary(c: TargetCheck | null | undefined, names: (id: number) => string): { level: 'success' | 'warning' | 'error' | 'info'; key: string; params: Record<string, unknown> } {
  if (!c) return { level: 'info', key: 'indicator.entry.check.none', params: {} };
  const missing = c.missing.map(names).join('、');
  if (c.parent == null) return { level: 'info', key: 'indicator.entry.check.noParent', params: {} };
  if (!c.additive || c.ok === null)
    return { level: 'info', key: 'indicator.entry.check.notAdditive', params: { parent: formatDecimal(c.parent), sum: formatDecimal(c.children_sum) } };
  const diff = c.difference ?? '0';
  const base = { parent: formatDecimal(c.parent), sum: formatDecimal(c.children_sum ?? '0'), diff: formatDecimal(diff.replace(/^-/, '')), missing };
  if (c.ok) return { level: 'success', key: c.missing.length ? 'indicator.entry.check.okMissing' : 'indicator.entry.check.ok', params: base };
  if (diff.startsWith('-')) return { level: 'error', key: 'indicator.entry.check.over', params: base };
  return { level: c.missing.length ? 'warning' : 'error', key: c.missing.length ? 'indicator.entry.check.underMissing' : 'indicator.entry.check.under', params: base };
}

/** A CSV template of the long layout (UTF-8 with a BOM so that Excel opens it as such). */
export function templateCsv(rows: { indicator: string; unitCode: string; period: string }[]): string {
  const lines = ['指标,单位代码,期别,数值,状态', ...rows.map((r) => `${r.indicator},${r.unitCode},${r.period},,初步`)];
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
