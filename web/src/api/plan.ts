// The work plan (工作計劃, 督辦): docs/plan-api.md. One typed function per endpoint.
import { request } from './http';
import type { LightReason } from '@/utils/lightReasons';

export type NodeKind = 'key_work' | 'item' | 'task';
export const NODE_KINDS: NodeKind[] = ['key_work', 'item', 'task'];
export type TaskStatus = '未啟動' | '推進中' | '已完成' | '滯後' | '無法完成';
export const TASK_STATUSES: TaskStatus[] = ['未啟動', '推進中', '已完成', '滯後', '無法完成'];
export type Light = 'green' | 'yellow' | 'red';
export const LIGHTS: Light[] = ['green', 'yellow', 'red'];

export interface UnitRef {
  id: number;
  name: string;
}

export interface Target {
  indicator: string;
  value: number | null;
  unit: string;
  measure?: string;
  period?: string;
  text?: string;
}

/** A quantity the importer found in the report (docs/plan-import.md). */
export interface Quantity {
  text: string;
  value?: number | null;
  unit?: string;
  indicator?: string | null;
  measure?: string;
  period?: string;
  start?: number;
  end?: number;
}

/** A node of the importer's proposal. */
export interface ProposalNode {
  kind: NodeKind;
  title: string;
  text?: string;
  start?: number;
  end?: number;
  children?: ProposalNode[];
  /** Suggested lead units (names); the importer may call it lead_units or suggested_units. */
  lead_units?: (string | { name: string })[];
  suggested_units?: (string | { name: string })[];
  lead_unit?: string | { name: string } | null;
  /** The importer's suggestions with the keyword that matched ({unit, name, keyword}). */
  lead_unit_suggestions?: { name?: string; unit?: string; keyword?: string }[];
  targets?: Target[];
  objects?: string[];
  leader?: string;
  start_date?: string;
  due_date?: string;
}

export interface Proposal {
  title: string;
  year: number;
  encoding: string;
  source: string;
  parts?: unknown[];
  quantities?: Quantity[];
  nodes: ProposalNode[];
  stats?: Record<string, unknown>;
}

export interface PlanCounts {
  key_works: number;
  items: number;
  tasks: number;
  targets: number;
}

export interface PlanSummary {
  id: number;
  title: string;
  year: number;
  created_at?: string;
  counts: PlanCounts;
  status_counts?: Partial<Record<TaskStatus, number>>;
  lights?: Partial<Record<Light, number>>;
  settings?: PlanSettings;
}

export interface PlanSettings {
  report_cadence: string;
  report_due_workday: number;
  yellow_share: number;
  followup_default_days: number;
}

export interface PlanNode {
  id: number;
  plan_id: number;
  parent_id: number | null;
  kind: NodeKind;
  seq: number;
  number: string;
  title: string;
  text?: string;
  src_start?: number;
  src_end?: number;
  lead_unit: UnitRef | null;
  co_units: UnitRef[];
  leader?: string | null;
  start_date?: string | null;
  due_date?: string | null;
  status: TaskStatus;
  status_reason?: string | null;
  percent: number;
  light: Light;
  light_reason?: string | null;
  /** why, as data to word in the user's language (utils/lightReasons) */
  light_reasons?: LightReason[] | null;
  last_report_at?: string | null;
  next_report_due?: string | null;
  open_followups?: number;
  targets?: Target[];
  objects?: string[];
  version?: number;
}

export interface Report {
  id: number;
  node_id: number;
  text: string;
  percent: number;
  status?: TaskStatus;
  /** Why the task cannot go on, as this report gave it ('' when it gave none). */
  reason?: string;
  at: string;
  by: string | { id: number; name?: string; display_name?: string; username?: string };
}
export interface Comment {
  id: number;
  text: string;
  at: string;
  by: Report['by'];
}
export interface Milestone {
  title: string;
  due_date: string;
  done: boolean;
}

export interface Followup {
  id: number;
  number: string;
  node_id: number;
  content: string;
  issued_at: string;
  reply_due: string;
  state: 'open' | 'replied' | 'overdue' | string;
  light: Light;
  to_unit: UnitRef | null;
  node_title?: string;
  node_path?: string | string[];
  node_number?: string;
  /** GET /followups/{id}: the task it is about. */
  node?: { id: number; number: string; title: string; text?: string; leader?: string; due_date?: string | null; status?: string; percent?: number };
  plan_id?: number;
  plan_title?: string;
  issued_by?: string;
  reply_days?: number;
  reply_text?: string | null;
  replied_by?: string | null;
  replied_at?: string | null;
  escalated_at?: string | null;
}

export interface NodeDetail extends PlanNode {
  /** Key work and item above the node, from the top. */
  path?: { id: number; number: string; title: string }[];
  plan_title?: string;
  /** The caller's unit leads the task: it may report progress. */
  can_report?: boolean;
  reports: Report[];
  comments: Comment[];
  followups: Followup[];
  milestones: Milestone[];
}

export interface Overview {
  by_key_work: { id: number; title: string; status_counts: Partial<Record<TaskStatus, number>>; lights: Partial<Record<Light, number>> }[];
  overdue_by_unit: { unit: UnitRef; red: number; yellow: number }[];
  /** Warning tasks with no lead unit yet (in no unit's bar). */
  overdue_unassigned?: { red: number; yellow: number };
  escalations: Followup[];
}

export interface NodeFilter {
  unit_id?: number | null;
  status?: string;
  light?: string;
  key_work_id?: number | null;
  q?: string;
  mine?: boolean;
}

export interface PostPlanNode {
  kind: NodeKind;
  title: string;
  text: string;
  start?: number;
  end?: number;
  lead_unit_id?: number | null;
  co_unit_ids?: number[];
  leader?: string;
  start_date?: string;
  due_date?: string;
  targets?: Target[];
  objects?: string[];
  children?: PostPlanNode[];
}
export interface PostPlan {
  title: string;
  year: number;
  source: string;
  encoding: string;
  nodes: PostPlanNode[];
}

const silent = (s?: boolean) => ({ silent: s });

export function importPreview(body: { filename: string; content_base64: string; year?: number }): Promise<Proposal> {
  return request('POST', '/plans/import-preview', { json: body, silent: true });
}
export function createPlan(body: PostPlan): Promise<{ id: number; title: string; year: number; counts: PlanCounts }> {
  return request('POST', '/plans', { json: body, silent: true });
}
export function listPlans(query: { page?: number; per_page?: number } = {}, s?: boolean): Promise<{
  items: PlanSummary[];
  total: number;
  page: number;
  per_page: number;
}> {
  return request('GET', '/plans', { query: { ...query }, ...silent(s) });
}
export function getPlan(id: number, s?: boolean): Promise<PlanSummary> {
  return request('GET', `/plans/${id}`, silent(s));
}
export function updatePlan(id: number, body: { title?: string; settings?: Partial<PlanSettings> }): Promise<PlanSummary> {
  return request('PATCH', `/plans/${id}`, { json: body });
}
export function listNodes(planId: number, f: NodeFilter = {}, s?: boolean): Promise<{ items: PlanNode[]; total: number }> {
  return request('GET', `/plans/${planId}/nodes`, {
    query: {
      unit_id: f.unit_id ?? undefined,
      status: f.status || undefined,
      light: f.light || undefined,
      key_work_id: f.key_work_id ?? undefined,
      q: f.q || undefined,
      mine: f.mine ? 1 : undefined,
    },
    ...silent(s),
  });
}
export function getNode(id: number, s?: boolean): Promise<NodeDetail> {
  return request('GET', `/plan-nodes/${id}`, silent(s));
}
export interface NodePatch {
  title?: string;
  lead_unit_id?: number | null;
  co_unit_ids?: number[];
  leader?: string;
  start_date?: string | null;
  due_date?: string | null;
  status?: TaskStatus;
  status_reason?: string;
  milestones?: Milestone[];
  version?: number;
}
export function updateNode(id: number, body: NodePatch): Promise<PlanNode> {
  return request('PATCH', `/plan-nodes/${id}`, { json: body, silent: true });
}
export function addReport(id: number, body: { text: string; percent: number; status?: TaskStatus; status_reason?: string }): Promise<Report> {
  return request('POST', `/plan-nodes/${id}/reports`, { json: body, silent: true });
}
export function addComment(id: number, text: string): Promise<Comment> {
  return request('POST', `/plan-nodes/${id}/comments`, { json: { text }, silent: true });
}
export function issueFollowup(id: number, body: { content: string; reply_days: number }): Promise<Followup> {
  return request('POST', `/plan-nodes/${id}/followups`, { json: body, silent: true });
}
export function listFollowups(query: { state?: string; plan_id?: number; page?: number; per_page?: number } = {}, s?: boolean): Promise<{
  items: Followup[];
  total?: number;
}> {
  return request('GET', '/followups', { query: { ...query, state: query.state || undefined }, ...silent(s) });
}
export function getFollowup(id: number, s?: boolean): Promise<Followup> {
  return request('GET', `/followups/${id}`, silent(s));
}
export function replyFollowup(id: number, text: string): Promise<Followup> {
  return request('POST', `/followups/${id}/reply`, { json: { text }, silent: true });
}
/** GET /my-tasks (the server's shortcut for mine=1 across plans, with the notices sent to my units). */
export function myTasks(s?: boolean): Promise<{ items: (PlanNode & { plan_title?: string })[]; total: number; followups: Followup[] }> {
  return request('GET', '/my-tasks', silent(s));
}
export function getOverview(planId: number, s?: boolean): Promise<Overview> {
  return request('GET', `/plans/${planId}/overview`, silent(s));
}
export interface SheetImportResult {
  rows: number;
  valid: number;
  changes: number;
  applied: number;
  errors: { row: number; column: string; message: string }[];
  error_workbook_base64?: string;
}
/** POST /plans/{id}/import-sheet: validate an edited 任務分解表; apply=true applies the valid rows. */
export function importSheet(planId: number, contentBase64: string, apply: boolean): Promise<SheetImportResult> {
  return request('POST', `/plans/${planId}/import-sheet`, { json: { content_base64: contentBase64, apply }, silent: true });
}
/** The URL of the 任務分解表 download (a plain link: the browser sends the session cookie); in
 *  Simplified script for a zh-CN user (headings and statuses; the import reads either). */
export function exportXlsxUrl(planId: number, locale: string = 'zh-TW'): string {
  return `/api/v1/plans/${planId}/export.xlsx${locale === 'zh-CN' ? '?script=simplified' : ''}`;
}
