// The indicators engine (docs/indicators-api.md): the month's table behind the economic cockpit.
// Numbers are decimal strings, as the server sends them.
import { request } from './http';
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
