// The registry engine's projects and enterprises (docs/projects-api.md): key projects (重点项目 and
// 招商项目) with their stages and evidence, monthly investment reports, problems raised as 企业诉求
// cases, the stalled lists, the dashboard, the 调度表 workbook and the 引办企业. One typed function
// per endpoint. Amounts are in 万元 (万美元 for a USD project's entered figures, with *_cny_wan).
import { request, buildUrl } from './http';
import type { Light } from './plan';
import type { Page } from './types';
import type { LightReason } from '@/utils/lightReasons';

export type StageCode = 'reserve' | 'negotiating' | 'signed' | 'registered' | 'started' | 'completed';
export const STAGES: StageCode[] = ['reserve', 'negotiating', 'signed', 'registered', 'started', 'completed'];
export type ProjectKind = 'industry' | 'urban' | 'livelihood';
export const PROJECT_KINDS: ProjectKind[] = ['industry', 'urban', 'livelihood'];

export interface Place {
  park?: string | null;
  address?: string | null;
  lon?: number | null;
  lat?: number | null;
  grid_id?: number | null;
  street_id?: number | null;
}

export interface Project {
  id: number;
  number: string;
  name: string;
  generated?: boolean;
  project_kind: ProjectKind;
  major: boolean;
  stage: StageCode;
  stage_name: string;
  stage_date: string | null;
  place: Place | null;
  investor: string | null;
  enterprise_id: number | null;
  enterprise: { id: number; name: string; credit_code?: string } | null;
  event_id: number | null;
  event: { id: number; name: string } | null;
  lead_unit_id: number | null;
  lead_unit: { id: number; name: string } | null;
  leader: string | null;
  currency: 'CNY' | 'USD' | string;
  fx_rate: number | null;
  total_investment_wan: number | null;
  annual_plan_wan: number | null;
  contract_amount_wan: number | null;
  funds_in_place_wan: number | null;
  registered_capital_wan: number | null;
  invested_to_date_wan: number | null;
  invested_this_year_wan: number | null;
  total_investment_cny_wan?: number | null;
  contract_amount_cny_wan?: number | null;
  signed_on: string | null;
  year: number | null;
  light: Light | null;
  light_reason: string | null;
  /** why, as data to word in the user's language (utils/lightReasons) */
  light_reasons?: LightReason[] | null;
  last_progress_at: string | null;
  open_problems: number;
  plan_node_id: number | null;
  version: number;
  actions: string[];
  /** Days since stage_date (the server may send it; else computed from stage_date). */
  days_in_stage?: number;
}

export interface TimelineStep {
  stage: StageCode;
  stage_name: string;
  date: string;
  evidence: string;
  attachments: (string | { sha256: string; name?: string; mime?: string })[];
  actor: string | { id: number; name: string } | null;
  at: string;
}
export interface InvestmentReport {
  month: string;
  amount_wan: number;
  cumulative_wan: number;
  reported_by: string | { id: number; name: string } | null;
  reported_at: string;
  note: string | null;
}
export interface ProblemCase {
  case_id: number;
  number: string;
  title: string;
  stage_name: string;
  status: string;
  reported_at: string;
  waited_days: number;
  light: Light | null;
}
export interface Followup {
  id: number;
  number?: string;
  content: string;
  /** open, replied or overdue (the plan engine's notice states). */
  state?: string;
  light?: Light | null;
  status?: string;
  issued_at?: string;
  created_at?: string;
  reply_due?: string | null;
  [k: string]: unknown;
}
export interface ProjectDetail extends Project {
  timeline: TimelineStep[];
  investments: InvestmentReport[];
  problems: ProblemCase[];
  followups: Followup[];
}

export interface ProjectQuery {
  stage?: StageCode | '';
  project_kind?: ProjectKind | '';
  major?: 1 | '';
  light?: Light | '';
  unit_id?: number | null;
  event_id?: number | null;
  year?: number | null;
  q?: string;
  sort?: string;
  page?: number;
  per_page?: number;
}

export interface ProjectList extends Page<Project> {
  /** Counts by light of the whole filtered list. */
  lights?: Partial<Record<Light, number>>;
}
export function listProjects(q: ProjectQuery = {}, silent = true): Promise<ProjectList> {
  return request('GET', '/projects', { query: { ...q, unit_id: q.unit_id ?? undefined, event_id: q.event_id ?? undefined, year: q.year ?? undefined }, silent });
}
export function getProject(id: number): Promise<ProjectDetail> {
  return request('GET', `/projects/${id}`, { silent: true });
}
export type ProjectPatch = Partial<Omit<Project, 'id' | 'number' | 'stage' | 'stage_name' | 'actions' | 'version'>> & { version: number };
export function patchProject(id: number, body: ProjectPatch): Promise<Project> {
  return request('PATCH', `/projects/${id}`, { json: body, silent: true });
}
export interface AdvanceBody {
  to_stage: StageCode;
  date: string;
  evidence: string;
  attachments?: string[];
  version: number;
}
export function advanceProject(id: number, body: AdvanceBody): Promise<Project> {
  return request('POST', `/projects/${id}/advance`, { json: body, silent: true });
}
export function reportInvestment(id: number, body: { month: string; amount_wan: number; note?: string }): Promise<unknown> {
  return request('POST', `/projects/${id}/investments`, { json: body, silent: true });
}
export interface NewProblem {
  title: string;
  description: string;
  category?: string;
  urgency?: 'normal' | 'urgent';
  reporter?: { name?: string; phone?: string };
}
/** Raises a problem: the server answers with the created 企业诉求 case. */
export function raiseProblem(id: number, body: NewProblem): Promise<{ id: number; number: string; [k: string]: unknown }> {
  return request('POST', `/projects/${id}/problems`, { json: body, silent: true });
}
export function projectFollowup(id: number, body: { content: string; reply_days?: number }): Promise<unknown> {
  return request('POST', `/projects/${id}/followups`, { json: body, silent: true });
}

export interface StallRow {
  id: number;
  number: string;
  name: string;
  stage?: StageCode;
  stage_name?: string;
  days_in_stage: number;
  limit_days: number;
  light: Light | null;
  lead_unit: { id: number; name: string } | string | null;
  leader: string | null;
}
export interface Stalls {
  signed_not_registered: StallRow[];
  registered_not_started: StallRow[];
  started_not_completed: StallRow[];
}
export function getStalls(): Promise<Stalls> {
  return request('GET', '/project-stalls', { silent: true });
}

export interface Dashboard {
  year: number;
  totals: {
    major_count: number;
    major_completed: number;
    major_invested_yi: number;
    signed_count: number;
    signed_contract_yi: number;
    events: { event_id: number; name: string; signed_count: number; contract_yi: number }[];
    enterprises_1m_count: number;
    enterprises_1m_capital_yi: number;
    fdi_usd_yi?: number;
    domestic_capital_yi?: number;
  };
  funnel: { stage: StageCode; stage_name: string; count: number; total_investment_wan: number }[];
  /** done and cumulative are null for months not yet begun */
  investment_by_month: { month: string; plan_wan: number; done_wan: number | null; cumulative_wan: number | null }[];
  signings_by_region: { region: string; count: number; contract_wan: number }[];
  signings_by_event: { event: string; count: number; contract_wan: number }[];
}
export function getDashboard(year?: number): Promise<Dashboard> {
  return request('GET', '/project-dashboard', { query: { year }, silent: true });
}

export interface PromotionEvent {
  id: number;
  name: string;
  city?: string;
  held_on?: string;
}
export async function listEvents(): Promise<PromotionEvent[]> {
  const r = await request<{ items: PromotionEvent[] } | PromotionEvent[]>('GET', '/promotion-events', { silent: true });
  return Array.isArray(r) ? r : r.items;
}

/** The 调度表 workbook of the viewer's projects (a link, the browser downloads it); in Simplified script for zh-CN. */
export function dispatchTableUrl(opts: { major?: boolean; template?: boolean; locale?: string } = {}): string {
  return buildUrl('/projects/dispatch-table.xlsx', {
    major: opts.major === false ? 0 : undefined,
    template: opts.template ? 1 : undefined,
    script: opts.locale === 'zh-CN' ? 'simplified' : undefined,
  });
}
export interface DispatchImportResult {
  rows: number;
  valid: number;
  applied?: number;
  skipped?: number;
  errors: { row: number; column: string; message: string }[];
  error_workbook_base64?: string;
}
export function importDispatchTable(content_base64: string, apply: boolean): Promise<DispatchImportResult> {
  return request('POST', '/projects/dispatch-table/import', { json: { content_base64, apply }, silent: true });
}

export interface Enterprise {
  id: number;
  name: string;
  credit_code: string;
  origin_region: string | null;
  registered_capital_wan: number | null;
  registered_on: string | null;
  street_id: number | null;
  /** The street's name, given by the server (the register is read beyond the street's scope). */
  street_name?: string | null;
  version?: number;
}
export interface EnterpriseQuery {
  q?: string;
  origin_region?: string;
  min_capital_wan?: number | null;
  year?: number | null;
  page?: number;
  per_page?: number;
}
export function listEnterprises(q: EnterpriseQuery = {}): Promise<Page<Enterprise>> {
  return request('GET', '/enterprises', { query: { ...q, min_capital_wan: q.min_capital_wan ?? undefined, year: q.year ?? undefined }, silent: true });
}
export interface NewEnterprise {
  name: string;
  credit_code: string;
  origin_region?: string;
  registered_capital_wan: number | null;
  registered_on?: string | null;
  street_id?: number | null;
}
export function createEnterprise(body: NewEnterprise): Promise<Enterprise> {
  return request('POST', '/enterprises', { json: body, silent: true });
}
export function checkCreditCode(code: string): Promise<{ valid: boolean; message: string }> {
  return request('GET', '/enterprises/check-code', { query: { code }, silent: true });
}
