// The public disclosure portal (政务公开, docs/disclosure-api.md): releases of a plan's progress and
// of a year's case statistics. The public reads what is published without an account; the
// supervision office (disclosure.publish) previews, publishes and withdraws.
import { request, type Query } from './http';
import type { Page } from './types';
import type { TaskStatus } from './plan';

export type DisclosureKind = 'plan_progress' | 'case_stats' | 'project_progress';
export const DISCLOSURE_KINDS: DisclosureKind[] = ['plan_progress', 'project_progress', 'case_stats'];

export interface Tally {
  tasks: number;
  status: Record<TaskStatus, number>;
  overdue: number;
  avg_percent: number | null;
}
export interface PublicTask {
  key_work: number | null;
  number: string;
  title: string;
  lead_unit: string | null;
  co_units: string[];
  due_date: string | null;
  status: TaskStatus;
  percent: number;
  overdue: boolean;
}
export interface PlanProgress {
  plan: { title: string; year: number };
  as_of: string;
  totals: Tally;
  key_works: (Tally & { id: number; number: string; title: string })[];
  tasks: PublicTask[];
}
export interface CaseFigures {
  reported: number;
  closed: number;
  closure_rate: number | null;
  on_time_rate: number | null;
  satisfaction_rate: number | null;
  avg_handling_s: number | null;
  overdue_open: number;
}
export type CaseRow = CaseFigures & { key: string; name: string };
export interface CaseStats {
  year: number;
  as_of: string;
  area: string[];
  types: string[];
  total: CaseFigures;
  by_month: CaseRow[];
  by_street: CaseRow[];
  by_type: CaseRow[];
}

export interface PublicProject {
  number: string;
  name: string;
  project_kind: string;
  stage: string;
  stage_name: string;
  lead_unit: string | null;
  total_investment_wan: number;
  annual_plan_wan: number;
  invested_this_year_wan: number;
  completion_percent: number | null;
}
export interface ProjectProgress {
  year: number;
  as_of: string;
  totals: { projects: number; completed: number; annual_plan_wan: number; invested_this_year_wan: number; completion_percent: number | null };
  stages: { stage: string; stage_name: string; count: number }[];
  by_month: { month: string; plan_wan: number; done_wan: number | null; cumulative_wan: number | null }[];
  projects: PublicProject[];
}

export interface Release {
  id: number;
  kind: DisclosureKind;
  title: string;
  period: string;
  published_at: string;
  content_sha256: string;
  // the staff's view only
  published_by?: number | null;
  published_by_name?: string;
  withdrawn_at?: string | null;
  withdrawn_by?: number | null;
  withdrawn_by_name?: string;
  withdraw_reason?: string | null;
  content?: PlanProgress | CaseStats | ProjectProgress;
}
export interface Draft {
  kind: DisclosureKind;
  title: string;
  period: string;
  content: PlanProgress | CaseStats | ProjectProgress;
  content_sha256: string;
  /** Nothing to publish (no tasks, no major projects, no case that year): the server refuses it. */
  empty?: boolean;
}
export interface DraftRequest {
  kind: DisclosureKind;
  plan_id?: number;
  year?: number;
  title?: string;
  expect_sha256?: string;
}

export function listPublic(q: Query = {}): Promise<Page<Release>> {
  return request<Page<Release>>('GET', '/public/disclosures', { query: q, silent: true });
}
export function getPublic(id: number): Promise<Release> {
  return request<Release>('GET', `/public/disclosures/${id}`, { silent: true });
}
export function listReleases(q: Query = {}): Promise<Page<Release>> {
  return request<Page<Release>>('GET', '/disclosures', { query: q });
}
export function getRelease(id: number): Promise<Release> {
  return request<Release>('GET', `/disclosures/${id}`);
}
export function previewRelease(body: DraftRequest): Promise<Draft> {
  return request<Draft>('POST', '/disclosures/preview', { json: body, silent: true });
}
export function publishRelease(body: DraftRequest): Promise<Release> {
  return request<Release>('POST', '/disclosures', { json: body, silent: true });
}
export function withdrawRelease(id: number, reason: string): Promise<Release> {
  return request<Release>('POST', `/disclosures/${id}/withdraw`, { json: { reason }, silent: true });
}

export function isPlanProgress(kind: DisclosureKind, c: unknown): c is PlanProgress {
  return kind === 'plan_progress' && !!c && typeof c === 'object' && 'tasks' in c;
}
export function isCaseStats(kind: DisclosureKind, c: unknown): c is CaseStats {
  return kind === 'case_stats' && !!c && typeof c === 'object' && 'by_month' in c;
}
export function isProjectProgress(kind: DisclosureKind, c: unknown): c is ProjectProgress {
  return kind === 'project_progress' && !!c && typeof c === 'object' && 'projects' in c;
}
