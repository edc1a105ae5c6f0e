// Pure helpers of the project pages (tested without a browser): stage order and the board's drag
// rules, money in 万元/亿元 (and 万美元 with the rate), light labels, days in a stage and the chart
// options the dashboard and the project page draw from the API's figures.
import { formatAmount, type AppLocale } from '@/utils/format';
import type { EChartsCoreOption } from '@/charts/echarts';
import type { Light } from '@/api/plan';
import { STAGES, type Dashboard, type InvestmentReport, type Project, type StageCode } from '@/api/projects';

export { STAGES };

/** Position of a stage in the pipeline (−1 when unknown). */
export function stageIndex(s: string | null | undefined): number {
  return STAGES.indexOf(s as StageCode);
}

export type DropVerdict = 'ok' | 'same' | 'backward' | 'skip';

/** May a card in stage `from` be dropped on column `to`? Only the next stage is allowed. */
export function dropVerdict(from: StageCode, to: StageCode): DropVerdict {
  const a = stageIndex(from);
  const b = stageIndex(to);
  if (a === b) return 'same';
  if (b < a) return 'backward';
  if (b > a + 1) return 'skip';
  return 'ok';
}

/** A stage's name in the UI's locale (the server's name for a stage the UI does not know). */
export function stageLabel(stage: string, serverName: string | null | undefined, t: (k: string) => string): string {
  return stageIndex(stage) >= 0 ? t('projects.stage.' + stage) : (serverName ?? stage);
}

/** The only column a card may move to (null for a completed project). */
export function nextStage(s: StageCode): StageCode | null {
  const i = stageIndex(s);
  return i >= 0 && i < STAGES.length - 1 ? STAGES[i + 1] : null;
}

/** The project's cards grouped by stage, in pipeline order. */
export function groupByStage<T extends { stage: StageCode }>(items: T[]): Record<StageCode, T[]> {
  const out = Object.fromEntries(STAGES.map((s) => [s, [] as T[]])) as Record<StageCode, T[]>;
  for (const p of items) (out[p.stage] ??= []).push(p);
  return out;
}

const USD_UNITS: Record<'zh-CN' | 'zh-TW', { wan: string; yi: string }> = {
  'zh-CN': { wan: '万美元', yi: '亿美元' },
  'zh-TW': { wan: '萬美元', yi: '億美元' },
};

function trim(n: number, digits: number): string {
  // 2 decimals at most, no trailing zeros, thousands grouped
  const s = Number(n.toFixed(digits)).toString();
  const [i, f] = s.split('.');
  return i.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (f ? '.' + f : '');
}

/**
 * An amount given in 万元 (or 万美元 when currency is USD): 亿元 from 1 亿 up, else 万元.
 * A USD figure is written in dollars with its yuan equivalent at the project's rate:
 * "1,200万美元（约 8,196万元）".
 */
export function formatMoney(wan: number | null | undefined, currency: string = 'CNY', fxRate: number | null = null, locale: AppLocale = 'zh-CN'): string {
  if (wan === null || wan === undefined || !Number.isFinite(wan)) return '—';
  if (currency !== 'USD') {
    if (locale === 'en') return formatAmount(wan, { from: 'wan', locale });
    const u = locale === 'zh-TW' ? { wan: '萬元', yi: '億元' } : { wan: '万元', yi: '亿元' };
    return Math.abs(wan) >= 1e4 ? trim(wan / 1e4, 2) + u.yi : trim(wan, 2) + u.wan;
  }
  let usd: string;
  if (locale === 'en') usd = `USD ${trim(wan / 100, 2)} million`;
  else usd = Math.abs(wan) >= 1e4 ? trim(wan / 1e4, 2) + USD_UNITS[locale].yi : trim(wan, 2) + USD_UNITS[locale].wan;
  if (!fxRate) return usd;
  const cny = formatMoney(wan * fxRate, 'CNY', null, locale);
  if (locale === 'en') return `${usd} (≈ ${cny})`;
  return `${usd}（${locale === 'zh-TW' ? '約' : '约'} ${cny}）`;
}

/** 亿元 figures of the dashboard ("50.5"): one decimal, as the work report writes them. */
export function formatYi(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return trim(v, 1);
}

/** i18n key of a light's label; a project without a light is shown as green (completed ones). */
export function lightKey(l: Light | null | undefined): string {
  return 'projects.light.' + (l ?? 'green');
}

const DAY = 86_400_000;
/** Calendar days since the stage's date (the server's days_in_stage when it sends one). */
export function daysInStage(p: Pick<Project, 'stage_date' | 'days_in_stage'>, today: string): number | null {
  if (typeof p.days_in_stage === 'number') return p.days_in_stage;
  if (!p.stage_date) return null;
  const a = Date.parse(p.stage_date.slice(0, 10) + 'T00:00:00Z');
  const b = Date.parse(today + 'T00:00:00Z');
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  return Math.max(0, Math.round((b - a) / DAY));
}

/** Today's date in Asia/Shanghai, "YYYY-MM-DD" (the evidence dialog's default). */
export function todayShanghai(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The month before `today` ("YYYY-MM"): the monthly report is usually for the month just ended. */
export function lastMonth(today: string): string {
  const [y, m] = today.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export const STAGE_COLOR: Record<StageCode, string> = {
  reserve: '#8b8d98',
  negotiating: '#6e56cf',
  signed: '#0090ff',
  registered: '#12a594',
  started: '#f5a623',
  completed: '#30a46c',
};

export interface ChartLabels {
  done: string;
  cumulative: string;
  plan: string;
  count: string;
  contract: string;
  wan: string;
}

/** The dashboard's funnel: one layer per stage, its width the number of projects; stage names from
 * `stageName` (the UI's locale) when given, else the server's. */
export function funnelOption(d: Pick<Dashboard, 'funnel'>, countUnit: string, stageName?: (s: StageCode) => string): EChartsCoreOption {
  const data = d.funnel.map((f) => ({ name: stageName ? stageName(f.stage) : f.stage_name, value: f.count, itemStyle: { color: STAGE_COLOR[f.stage] ?? '#0090ff' } }));
  const max = Math.max(1, ...d.funnel.map((f) => f.count));
  return {
    tooltip: { trigger: 'item', formatter: '{b}：{c} ' + countUnit },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        min: 0,
        max,
        minSize: '12%',
        left: '10%',
        width: '80%',
        top: 10,
        bottom: 10,
        label: { show: true, position: 'inside', formatter: '{b} {c}' },
        data,
      },
    ],
  };
}

/**
 * Monthly completed investment (bars) and its cumulative line against the plan's cumulative line,
 * on one axis. Figures in 万元; `plan_wan` is the plan by the end of that month,
 * cumulative, as GET /project-dashboard sends it.
 */
export function investmentOption(rows: Dashboard['investment_by_month'], l: ChartLabels): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: [l.done, l.cumulative, l.plan], top: 0 },
    grid: { left: 70, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: rows.map((r) => r.month.slice(5) + '月') },
    yAxis: { type: 'value', name: l.wan },
    series: [
      { name: l.done, type: 'bar', data: rows.map((r) => r.done_wan), itemStyle: { color: '#0090ff' } },
      { name: l.cumulative, type: 'line', data: rows.map((r) => r.cumulative_wan), itemStyle: { color: '#30a46c' } },
      { name: l.plan, type: 'line', data: rows.map((r) => r.plan_wan), lineStyle: { type: 'dashed' }, itemStyle: { color: '#e5484d' } },
    ],
  };
}

/** A project's monthly reports as the same chart, its plan line the annual plan spread flat. */
export function projectMoneyOption(reports: InvestmentReport[], annualPlanWan: number | null, year: number, l: ChartLabels): EChartsCoreOption {
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  const by = new Map<string, number>();
  for (const r of reports) if (r.month.startsWith(String(year))) by.set(r.month, (by.get(r.month) ?? 0) + r.amount_wan);
  const last = Math.max(-1, ...[...by.keys()].map((m) => months.indexOf(m)));
  let cum = 0;
  const rows = months.map((m, i) => {
    const done = by.get(m) ?? 0;
    cum += done;
    const plan = annualPlanWan ? Math.round((annualPlanWan * (i + 1)) / 12 * 10000) / 10000 : 0;
    return { month: m, done_wan: done, cumulative_wan: i <= last ? cum : null, plan_wan: plan };
  });
  return investmentOption(rows, l);
}

/** Horizontal bars: signings by origin region or by event, count and contract amount (亿元). */
export function signingsOption(rows: { name: string; count: number; contract_wan: number }[], l: ChartLabels, yiUnit: string): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { data: [l.count, l.contract], top: 0 },
    grid: { left: 130, right: 80, top: 30, bottom: 20 },
    xAxis: [{ type: 'value', name: l.count, minInterval: 1 }, { type: 'value', name: yiUnit, position: 'top', show: false }],
    yAxis: { type: 'category', data: rows.map((r) => r.name), inverse: true },
    series: [
      { name: l.count, type: 'bar', data: rows.map((r) => r.count), itemStyle: { color: '#0090ff' }, label: { show: true, position: 'right' } },
      {
        name: l.contract,
        type: 'bar',
        xAxisIndex: 1,
        data: rows.map((r) => Math.round(r.contract_wan / 100) / 100),
        itemStyle: { color: '#f5a623' },
        label: { show: true, position: 'right', formatter: '{c} ' + yiUnit },
      },
    ],
  };
}
