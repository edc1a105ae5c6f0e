// The case engine (docs/cases-api.md): case types, cases, their actions, the dispatcher's queue,
// the dispatch rules and attachments. One typed function per endpoint.
import { request, ApiError, getCsrfToken, buildUrl } from './http';
import type { Light } from './plan';
import type { LightReason } from '@/utils/lightReasons';

export type CaseTypeCode = 'urban' | 'hotline' | 'petition' | 'enterprise';
export const CASE_TYPES: CaseTypeCode[] = ['urban', 'hotline', 'petition', 'enterprise'];
export type CaseStatus = 'open' | 'suspended' | 'closed' | 'merged';
export const CASE_STATUSES: CaseStatus[] = ['open', 'suspended', 'closed', 'merged'];

export interface StageDef {
  code: string;
  name: string;
  /** The stage's time limit: office hours, working days or calendar days. */
  limit?: { unit: 'hours' | 'workdays' | 'days'; normal: number; urgent?: number } | null;
  /** A stage after the case is closed (评价, 归档, 办结). */
  closed?: boolean;
}
export interface ActionDef {
  code: string;
  name: string;
  from?: string[] | string;
  to?: string | null;
  roles?: string[];
  /** Fields the server requires for this action (unit_id, reason, workdays, rating, fields.passed, attachments, …). */
  requires?: string[];
  /** Older spelling of requires. */
  required?: string[];
  fields?: string[];
  fail_to?: string;
  /** Fields whose value is one of a fixed list, given as fields.<key> (信访 受理告知's 告知方式, 不予受理's ground). */
  choices?: Record<string, ChoiceDef>;
}

export interface ChoiceDef {
  name: string;
  options: { code: string; name: string }[];
}
export interface CategoryDef {
  code: string;
  name: string;
  /** A 大類's kind in the type's configuration, e.g. 部件 or 事件 (城市管理). */
  kind?: string;
  standard?: string;
  limits?: Record<string, { unit: string; normal: number; urgent?: number }>;
  children?: CategoryDef[];
}
export interface CaseType {
  code: CaseTypeCode;
  name: string;
  stages: StageDef[];
  actions: ActionDef[];
  categories: CategoryDef[];
  /** The roles that may register a case of this type, and what each must give (e.g. a photo). */
  create_roles?: string[];
  create_requires?: Record<string, string[]>;
  /** Extensions (延期): how many, how long at most, and the unit the request's `workdays` counts in. */
  extension?: { max_times?: number; max?: number; unit?: 'hours' | 'workdays' | 'days' } | null;
}

export interface Attachment {
  sha256: string;
  mime: string;
  size: number;
  name?: string;
}

export interface CaseItem {
  id: number;
  number: string;
  type: CaseTypeCode;
  type_name: string;
  category: string;
  category_name: string;
  category_major: string;
  category_major_name: string;
  title: string;
  description: string;
  urgency: 'normal' | 'urgent';
  source: string;
  stage: string;
  stage_name: string;
  status: CaseStatus;
  lon: number | null;
  lat: number | null;
  address: string;
  street_id: number | null;
  community_id: number | null;
  grid_id: number | null;
  lead_unit_id: number | null;
  co_units: number[];
  /** A petition's 被反映单位: the unit it accuses, which may never lead or co-handle it. */
  subject_unit_id?: number | null;
  /** The name of every unit the case names, by id (also those outside the viewer's scope). */
  unit_names?: Record<string, string>;
  reporter: { name?: string; phone?: string; id_number?: string } | null;
  attachments: Attachment[];
  reported_at: string;
  stage_started_at: string | null;
  stage_due_at: string | null;
  light: Light | null;
  light_reason: string;
  /** why, as data to word in the user's language (utils/lightReasons) */
  light_reasons?: LightReason[] | null;
  paused: boolean;
  returns: number;
  reworks: number;
  extensions: number;
  satisfaction: number | null;
  merged_into: number | null;
  project_id: number | null;
  closed_at: string | null;
  version: number;
  actions: string[];
}

export interface HistoryStep {
  seq: number;
  at: string;
  actor: string | { id: number; name: string } | null;
  /** the account's display name (actor is its login name) */
  actor_name?: string;
  action: string;
  action_name: string;
  from_stage: string | null;
  to_stage: string | null;
  note: string;
  fields: Record<string, unknown> | null;
  /** what the step recorded: unit_id and co_units (派遣/交办), reason, amount, rating, solved ... */
  data?: Record<string, unknown> | null;
  attachments: (Attachment | string)[];
}

export interface CaseDetail extends CaseItem {
  history: HistoryStep[];
}

export interface CaseList {
  items: CaseItem[];
  total: number;
  page: number;
  per_page: number;
  /** Open and suspended cases matching the other filters, by light. */
  lights?: Partial<Record<Light, number>>;
}

export interface CaseQuery {
  type?: CaseTypeCode | '';
  stage?: string;
  status?: CaseStatus | '';
  light?: Light | '';
  street_id?: number | null;
  grid_id?: number | null;
  unit_id?: number | null;
  category?: string;
  q?: string;
  overdue?: boolean;
  from?: string;
  to?: string;
  sort?: string;
  page?: number;
  per_page?: number;
}

export interface NewCase {
  type: CaseTypeCode;
  category: string;
  description: string;
  title?: string;
  urgency?: 'normal' | 'urgent';
  source?: string;
  lon?: number;
  lat?: number;
  address?: string;
  grid_id?: number;
  street_id?: number;
  reporter?: { name: string; phone: string; id_number?: string };
  attachments?: string[];
  project_id?: number;
  /** A petition's 被反映单位 (petitions only). */
  subject_unit_id?: number;
}

export interface ActionBody {
  note?: string;
  unit_id?: number;
  co_units?: number[];
  fields?: Record<string, unknown>;
  attachments?: string[];
  reason?: string;
  workdays?: number;
  hours?: number;
  rating?: number;
  solved?: boolean;
  target_id?: number;
  version?: number;
}

export interface DispatchRule {
  type: CaseTypeCode;
  category: string;
  street_id?: number | null;
  grid_id?: number | null;
  lead_unit_id: number | null;
  co_units: number[];
}

function toQuery(q: CaseQuery) {
  return { ...q, overdue: q.overdue ? 1 : undefined, street_id: q.street_id ?? undefined, grid_id: q.grid_id ?? undefined, unit_id: q.unit_id ?? undefined };
}

/** GET /case-types: the four types with their stages, actions and categories. */
export async function listCaseTypes(): Promise<CaseType[]> {
  const r = await request<CaseType[] | { items: CaseType[] }>('GET', '/case-types', { silent: true });
  return Array.isArray(r) ? r : r.items;
}

/** GET /case-types/{code}: one type's whole configuration, as PUT takes it back. */
export function getCaseTypeConfig(code: string): Promise<Record<string, unknown>> {
  return request<Record<string, unknown>>('GET', `/case-types/${encodeURIComponent(code)}`, { silent: true });
}

/** PUT /case-types/{code} (case.admin): the server validates and names the key at fault. */
export function putCaseTypeConfig(code: string, config: unknown): Promise<unknown> {
  return request<unknown>('PUT', `/case-types/${encodeURIComponent(code)}`, { json: config, silent: true });
}

/** GET /cases: a page of cases in the viewer's scope. */
export function listCases(q: CaseQuery = {}, silent = true): Promise<CaseList> {
  return request('GET', '/cases', { query: toQuery(q), silent });
}

/** GET /cases/{id} with its history; 404 outside the viewer's scope. */
export function getCase(id: number): Promise<CaseDetail> {
  return request('GET', `/cases/${id}`, { silent: true });
}

/** POST /cases: report a case. */
export function createCase(body: NewCase): Promise<CaseItem> {
  return request('POST', '/cases', { json: body, silent: true });
}

/** POST /cases/{id}/actions/{action}: a transition; 409 stale version or stage, 422 a field missing. */
export function caseAction(id: number, action: string, body: ActionBody): Promise<CaseItem> {
  return request('POST', `/cases/${id}/actions/${encodeURIComponent(action)}`, { json: body, silent: true });
}

/** POST /cases/{id}/notes: a handling note without a stage change. */
export function addCaseNote(id: number, text: string, attachments: string[] = []): Promise<unknown> {
  return request('POST', `/cases/${id}/notes`, { json: { text, attachments }, silent: true });
}

/** GET /cases/{id}/reporter: the reporter's full data; the server logs the view. */
export function getReporter(id: number): Promise<{ name: string; phone: string; id_number?: string }> {
  return request('GET', `/cases/${id}/reporter`, { silent: true });
}

/** GET /case-queue: cases waiting for a manual dispatch. */
export async function getQueue(q: { page?: number; per_page?: number } = {}): Promise<CaseList> {
  const r = await request<CaseList | CaseItem[]>('GET', '/case-queue', { query: { ...q }, silent: true });
  return Array.isArray(r) ? { items: r, total: r.length, page: 1, per_page: r.length } : r;
}

/** GET /dispatch-rules: {rules: [...]}. */
export async function getDispatchRules(): Promise<DispatchRule[]> {
  const r = await request<DispatchRule[] | { rules?: DispatchRule[]; items?: DispatchRule[] }>('GET', '/dispatch-rules', { silent: true });
  return Array.isArray(r) ? r : (r.rules ?? r.items ?? []);
}

/** PUT /dispatch-rules {rules}: replaces the table; a 422 names the row in error.field ("rules[3].lead_unit_id"). */
export function putDispatchRules(rules: DispatchRule[]): Promise<unknown> {
  return request('PUT', '/dispatch-rules', { json: { rules }, silent: true });
}

/** The URL of an attachment's bytes. */
export function attachmentUrl(sha256: string): string {
  return buildUrl(`/attachments/${sha256}`);
}

/** POST /attachments with the file as the raw body; the server checks the type by content. */
export async function uploadAttachment(file: Blob & { name?: string }, f: typeof fetch = fetch): Promise<Attachment> {
  const headers: Record<string, string> = { 'Content-Type': file.type || 'application/octet-stream', Accept: 'application/json' };
  if (file.name) headers['X-File-Name'] = encodeURIComponent(file.name);
  const csrf = getCsrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await f(buildUrl('/attachments'), { method: 'POST', headers, body: file, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_' + res.status, err?.message ?? res.statusText, { field: err?.field || undefined });
  }
  return body as Attachment;
}
