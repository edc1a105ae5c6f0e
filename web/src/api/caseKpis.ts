// The case KPI table (docs/case-kpis.md): GET /case-kpis and its .xlsx.
import { buildUrl, request } from './http';

export type KpiGroup = 'street' | 'unit' | 'category' | 'month';

export interface KpiFigures {
  reported: number;
  registered: number;
  dispatched: number;
  dispatched_correctly: number;
  dispatched_correctly_rate: number | null;
  dispatch_on_time_rate: number | null;
  handled: number;
  handled_on_time_rate: number | null;
  closed: number;
  closure_rate: number | null;
  on_time_rate: number | null;
  rework_rate: number | null;
  overdue_open: number;
  avg_handling_s: number | null;
  sign_on_time_rate: number | null;
  resolution_rate: number | null;
  satisfaction_rate: number | null;
}

export interface KpiRow extends KpiFigures {
  key: number | string | null;
  name: string;
}

export interface KpiTable {
  group: KpiGroup;
  type: string;
  from: string;
  to: string;
  rows: KpiRow[];
  total: KpiFigures;
}

export interface KpiQuery {
  group: KpiGroup;
  type?: string;
  from?: string;
  to?: string;
}

export function getCaseKpis(q: KpiQuery): Promise<KpiTable> {
  return request<KpiTable>('GET', '/case-kpis', { query: { ...q } });
}

/** The same table as a workbook (a plain link: the session cookie goes with it). */
export function caseKpisXlsxUrl(q: KpiQuery): string {
  return buildUrl('/case-kpis.xlsx', { ...q });
}
