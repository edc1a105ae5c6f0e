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
