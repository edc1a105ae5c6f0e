// The indicators engine (docs/indicators-api.md): the month's table behind the economic cockpit.
// Numbers are decimal strings, as the server sends them.
import { request, type ImportRowError } from './http';
import type { Light } from './plan';

export interface MonthlyRow {
  code: string;
  name: string;
  unit: string;
  month_value: string | null;
  ytd: string | null;
  yoy: string | null;
  target: string | null;
  completion: string | null;
  gap: string | null;
  light: Light | null;
  higher_is_better: boolean;
  period: string | null;
  status: string | null;
}

export interface StreetFigure {
  street: string;
  unit_id: number;
  indicator: string;
  code: string;
  ytd: string | null;
  yoy: string | null;
  completion: string | null;
  gap: string | null;
  rank: number | null;
  light?: Light | null;
}

export interface TrendPoint {
  month: number;
  yoy: string | null;
  ytd: string | null;
}

export interface Monthly {
  district: string;
  unit_id: number;
  unit_name?: string;
  year: number;
  month: number;
  time_progress: string | null;
  generated_data?: boolean;
  rows: MonthlyRow[];
  streets: StreetFigure[];
  trends: { code: string; points: TrendPoint[] }[];
}

/** GET /indicators/monthly: the month's table for a unit (default: the district in scope). */
export function getMonthly(month: string, unitId?: number | null, silent = true): Promise<Monthly> {
  return request('GET', '/indicators/monthly', { query: { month, unit_id: unitId ?? undefined }, silent });
}

/** One edition of a month's pack: a draft being edited, or a published (frozen, hashed) one. */
export interface PackEdition {
  edition: number;
  state: 'draft' | 'published';
  revision: number;
  hash: string | null;
  updated_at: string;
  updated_by: string;
  published_at: string | null;
  published_by: string | null;
}

/** GET /indicators/pack: the table, the drafted and the working narrative, the editions. */
export interface Pack {
  unit_id: number;
  year: number;
  month: number;
  table: Monthly;
  draft: string[];
  narrative: string[];
  /** Per paragraph of `narrative`: numbers the table does not hold. */
  untraced: string[][];
  /** auto: nothing saved; draft: a saved draft; published: the latest edition is published. */
  state: 'auto' | 'draft' | 'published';
  edition: number;
  revision: number;
  hash?: string;
  updated_at?: string;
  updated_by?: string;
  editions: PackEdition[];
}

export interface PackSaved extends PackEdition {
  unit_id: number;
  year: number;
  month: number;
  narrative: string[];
  untraced: string[][];
  changed?: boolean;
}

export function getPack(month: string, unitId?: number | null): Promise<Pack> {
  return request('GET', '/indicators/pack', { query: { month, unit_id: unitId ?? undefined }, silent: true });
}

/** POST /indicators/pack/check: the untraced numbers of edited paragraphs (writes nothing). */
export function checkPack(month: string, unitId: number | null, narrative: string[]): Promise<{ untraced: string[][] }> {
  return request('POST', '/indicators/pack/check', { json: { month, unit_id: unitId ?? undefined, narrative }, silent: true });
}

/** PUT /indicators/pack/draft: save the edited narrative (409 when revision is stale). */
export function savePackDraft(month: string, unitId: number | null, narrative: string[], revision: number): Promise<PackSaved> {
  return request('PUT', '/indicators/pack/draft', { json: { month, unit_id: unitId ?? undefined, narrative, revision }, silent: true });
}

/** POST /indicators/pack/publish: freeze and hash the month's pack (one event). */
export function publishPack(month: string, unitId: number | null, revision: number): Promise<PackSaved> {
  return request('POST', '/indicators/pack/publish', { json: { month, unit_id: unitId ?? undefined, revision }, silent: true });
}

export type PackFormat = 'xlsx' | 'html' | 'pdf';
/** The URL of a pack file (a plain link: the browser sends the session cookie). No edition: the working draft. */
export function packFileUrl(month: string, unitId: number | null, format: PackFormat, edition?: number | null): string {
  const q = new URLSearchParams({ month, format });
  if (unitId) q.set('unit_id', String(unitId));
  if (edition) q.set('edition', String(edition));
  return `/api/v1/indicators/pack/file?${q.toString()}`;
}

/** A value with its revision number, as GET /indicators/values lists it. */
export interface IndicatorValue {
  id: number | null;
  indicator: string;
  unit_id: number;
  unit_name: string;
  period: string;
  value: string;
  month_value: string | null;
  growth: string | null;
  yoy: string | null;
  status: string;
  source: string;
  revision: number;
  updated_at: string;
  updated_by: string;
}

export interface ValueRevision {
  revision: number;
  value: string;
  growth: string | null;
  status: string;
  source: string;
  note: string;
  at: string;
  by: string;
}

/** GET /indicators/values for one indicator and unit over a span of months. */
export function listValues(indicator: string, unitId: number, from: string, to: string): Promise<{ items: IndicatorValue[]; total: number }> {
  return request('GET', '/indicators/values', { query: { indicator, unit_id: unitId, from, to }, silent: true });
}

/** GET /indicators/values/{id}/history: the superseded revisions, newest first. */
export function valueHistory(id: number): Promise<{ value: IndicatorValue; revisions: ValueRevision[] }> {
  return request('GET', `/indicators/values/${id}/history`, { silent: true });
}

/** An alert of GET /indicators/alerts: behind time progress or negative growth, in the caller's scope. */
export interface IndicatorAlert {
  indicator: string;
  unit_id: number;
  unit_name: string;
  year: number;
  period: string;
  level: string;
  reasons: string[];
  gap: string | null;
  yoy: string | null;
  raised_at: string;
}
export function listAlerts(): Promise<{ items: IndicatorAlert[]; total: number }> {
  return request('GET', '/indicators/alerts', { silent: true });
}

// ---------------------------------------------------------------- 数据填报 (statistician: values, import, targets)

export type ValueStatus = 'estimate' | 'preliminary' | 'final';
export const VALUE_STATUSES: ValueStatus[] = ['estimate', 'preliminary', 'final'];

/** An indicator definition (GET /indicators/definitions). */
export interface IndicatorDef {
  id: number;
  code: string;
  name_zh: string;
  name_en: string;
  aliases: string[];
  unit: string;
  scale: number;
  periodicity: 'monthly' | 'quarterly' | 'annual';
  jan_feb_combined: boolean;
  additive: boolean;
  price_basis: string;
  comparable_growth: boolean;
  higher_is_better: boolean;
  owner_unit_id: number | null;
  /** Formula indicators are computed, never entered. */
  formula: string | null;
  min: string | null;
  max: string | null;
  jump_share: string | null;
  builtin: boolean;
  version: number;
}

export function listDefinitions(): Promise<{ items: IndicatorDef[]; total: number }> {
  return request('GET', '/indicators/definitions', { silent: true });
}

/** The body of PUT /indicators/values. */
export interface ValueInput {
  indicator: string;
  unit_id: number;
  period: string;
  value: string;
  status: ValueStatus;
  growth?: string;
  note?: string;
  confirm_jump?: boolean;
}

/** PUT /indicators/values: 201 when new, 200 otherwise; `changed: false` when nothing changed. */
export function putValue(body: ValueInput): Promise<IndicatorValue & { changed?: boolean }> {
  return request('PUT', '/indicators/values', { json: body, silent: true });
}

/** GET /indicators/values with any of its filters. */
export function findValues(q: { indicator?: string; unit_id?: number; year?: number; from?: string; to?: string; per_page?: number }): Promise<{ items: IndicatorValue[]; total: number }> {
  return request('GET', '/indicators/values', { query: q, silent: true });
}

export interface ImportValuesInput {
  filename: string;
  content_base64: string;
  apply: boolean;
  /** The wide layout's month (and year); the long layout takes each row's period. */
  period?: string;
  /** The wide layout's unit (default: the district). */
  unit_id?: number;
  /** The status of rows that name none (the server's default: preliminary). */
  status?: ValueStatus;
  confirm_jump?: boolean;
}

export interface ImportValuesResult {
  layout: 'long' | 'wide';
  rows: number;
  valid: number;
  errors: ImportRowError[];
  error_count: number;
  error_workbook_base64?: string;
  applied: number;
  changed?: number;
  encoding: string;
}

/** POST /indicators/import: all or nothing; with any error nothing is written, even with apply. */
export function importValues(body: ImportValuesInput): Promise<ImportValuesResult> {
  return request('POST', '/indicators/import', { json: body, silent: true });
}

/** A unit's annual target (年度目标). */
export interface IndicatorTarget {
  id: number;
  indicator: string;
  unit_id: number;
  unit_name: string;
  year: number;
  value: string;
  growth_percent: string | null;
  base: string | null;
  exact: string | null;
}

/** Do the children's targets add up to the parent's? (ok is null for non-additive indicators.) */
export interface TargetCheck {
  indicator: string;
  year: number;
  parent_unit_id: number;
  parent: string | null;
  children_sum: string | null;
  difference: string | null;
  ok: boolean | null;
  missing: number[];
  additive: boolean;
}

export function listTargets(q: { year: number; indicator?: string; unit_id?: number }): Promise<{ items: IndicatorTarget[]; total?: number }> {
  return request('GET', '/indicators/targets', { query: q, silent: true });
}

/** PUT /indicators/targets: an absolute value, or a growth on last year's actual (422 no_base without one). */
export function putTarget(body: { indicator: string; unit_id: number; year: number; value?: string; growth_percent?: string }): Promise<IndicatorTarget> {
  return request('PUT', '/indicators/targets', { json: body, silent: true });
}

/** POST /indicators/targets/split by last year's actuals. */
export function splitTargetsByLastYear(indicator: string, year: number, parentUnitId: number): Promise<{ targets: IndicatorTarget[]; check: TargetCheck }> {
  return request('POST', '/indicators/targets/split', { json: { indicator, year, parent_unit_id: parentUnitId, by: 'last_year' }, silent: true });
}

export function checkTargets(indicator: string, year: number, parentUnitId?: number): Promise<{ items: TargetCheck[] }> {
  return request('GET', '/indicators/targets/check', { query: { indicator, year, parent_unit_id: parentUnitId }, silent: true });
}
