import { describe, expect, it } from 'vitest';
import {
  daysInStage,
  dropVerdict,
  formatMoney,
  formatYi,
  funnelOption,
  groupByStage,
  investmentOption,
  lastMonth,
  lightKey,
  nextStage,
  projectMoneyOption,
  signingsOption,
  stageIndex,
  stageLabel,
  todayShanghai,
} from './projects';
import type { Dashboard } from '@/api/projects';

const L = { done: '当月完成', cumulative: '累计完成', plan: '计划', count: '个数', contract: '合同金额', wan: '万元' };

describe('stages and the board’s drag rules', () => {
  it('orders the six stages', () => {
    expect(stageIndex('reserve')).toBe(0);
    expect(stageIndex('completed')).toBe(5);
    expect(stageIndex('nope')).toBe(-1);
  });
  it('allows only the next stage', () => {
    expect(dropVerdict('signed', 'registered')).toBe('ok');
    expect(dropVerdict('signed', 'signed')).toBe('same');
    expect(dropVerdict('signed', 'negotiating')).toBe('backward');
    expect(dropVerdict('signed', 'reserve')).toBe('backward');
    expect(dropVerdict('signed', 'started')).toBe('skip');
    expect(dropVerdict('reserve', 'completed')).toBe('skip');
    expect(nextStage('started')).toBe('completed');
    expect(nextStage('completed')).toBeNull();
  });
  it('names a stage in the UI’s words, an unknown one as the server does', () => {
    const t = (k: string) => '[' + k + ']';
    expect(stageLabel('registered', '註冊(落地)', t)).toBe('[projects.stage.registered]');
    expect(stageLabel('audited', '審計', t)).toBe('審計');
  });
  it('groups cards by stage, every column present', () => {
    const g = groupByStage([
      { id: 1, stage: 'signed' as const },
      { id: 2, stage: 'started' as const },
      { id: 3, stage: 'signed' as const },
    ]);
    expect(Object.keys(g)).toEqual(['reserve', 'negotiating', 'signed', 'registered', 'started', 'completed']);
    expect(g.signed.map((p) => p.id)).toEqual([1, 3]);
    expect(g.reserve).toEqual([]);
  });
});

describe('money', () => {
  it('writes 万元 below 1 亿 and 亿元 from 1 亿 up', () => {
    expect(formatMoney(25000)).toBe('2.5亿元');
    expect(formatMoney(120000)).toBe('12亿元');
    expect(formatMoney(6100)).toBe('6,100万元');
    expect(formatMoney(1234.5678)).toBe('1,234.57万元');
    expect(formatMoney(9999.999)).toBe('10,000万元');
    expect(formatMoney(null)).toBe('—');
    expect(formatMoney(NaN)).toBe('—');
    expect(formatMoney(25000, 'CNY', null, 'zh-TW')).toBe('2.5億元');
  });
  it('writes a USD project’s figure in 万美元 with the yuan equivalent at its rate', () => {
    expect(formatMoney(1200, 'USD', 6.83)).toBe('1,200万美元（约 8,196万元）');
    expect(formatMoney(20000, 'USD', 7)).toBe('2亿美元（约 14亿元）');
    expect(formatMoney(1200, 'USD', null)).toBe('1,200万美元');
    expect(formatMoney(1200, 'USD', 6.83, 'zh-TW')).toBe('1,200萬美元（約 8,196萬元）');
    expect(formatMoney(1200, 'USD', 6.83, 'en')).toBe('USD 12 million (≈ CNY 81.96 million)');
  });
  it('writes 亿元 totals with one decimal', () => {
    expect(formatYi(50.5)).toBe('50.5');
    expect(formatYi(419.14)).toBe('419.1');
    expect(formatYi(1234.56)).toBe('1,234.6');
    expect(formatYi(undefined)).toBe('—');
  });
});

describe('lights and days', () => {
  it('labels each light, a missing light as green', () => {
    expect(lightKey('red')).toBe('projects.light.red');
    expect(lightKey(null)).toBe('projects.light.green');
  });
  it('counts calendar days in the stage, or takes the server’s count', () => {
    expect(daysInStage({ stage_date: '2026-03-18' }, '2026-03-28')).toBe(10);
    expect(daysInStage({ stage_date: '2026-02-28' }, '2026-03-01')).toBe(1);
    expect(daysInStage({ stage_date: null }, '2026-03-28')).toBeNull();
    expect(daysInStage({ stage_date: '2026-03-18', days_in_stage: 99 }, '2026-03-28')).toBe(99);
  });
  it('gives today in Asia/Shanghai and the month before', () => {
    expect(todayShanghai(new Date('2026-11-28T17:30:00Z'))).toBe('2026-11-29');
    expect(lastMonth('2026-11-29')).toBe('2026-10');
    expect(lastMonth('2026-01-05')).toBe('2025-12');
  });
});

describe('chart options from the API’s figures', () => {
  const d: Pick<Dashboard, 'funnel' | 'investment_by_month'> = {
    funnel: [
      { stage: 'reserve', stage_name: '储备', count: 3, total_investment_wan: 0 },
      { stage: 'signed', stage_name: '签约', count: 34, total_investment_wan: 4191000 },
      { stage: 'completed', stage_name: '竣工/投产', count: 21, total_investment_wan: 100 },
    ],
    investment_by_month: [
      { month: '2026-01', plan_wan: 100, done_wan: 80, cumulative_wan: 80 },
      { month: '2026-02', plan_wan: 200, done_wan: 150, cumulative_wan: 230 },
    ],
  };
  it('draws the funnel in stage order with the counts', () => {
    const o = funnelOption(d, '个') as { series: { type: string; sort: string; max: number; data: { name: string; value: number }[] }[] };
    expect(o.series[0].type).toBe('funnel');
    expect(o.series[0].sort).toBe('none');
    expect(o.series[0].max).toBe(34);
    expect(o.series[0].data.map((x) => [x.name, x.value])).toEqual([
      ['储备', 3],
      ['签约', 34],
      ['竣工/投产', 21],
    ]);
  });
  it('draws monthly bars, the cumulative line and the server’s cumulative plan', () => {
    const o = investmentOption(d.investment_by_month, L) as { xAxis: { data: string[] }; series: { name: string; type: string; data: number[] }[] };
    expect(o.xAxis.data).toEqual(['01月', '02月']);
    expect(o.series.map((s) => [s.name, s.type, s.data])).toEqual([
      ['当月完成', 'bar', [80, 150]],
      ['累计完成', 'line', [80, 230]],
      ['计划', 'line', [100, 200]],
    ]);
  });
  it('names the funnel’s stages in the UI’s words when asked', () => {
    const o = funnelOption(d, '个', (s) => 'S:' + s) as { series: { data: { name: string }[] }[] };
    expect(o.series[0].data.map((x) => x.name)).toEqual(['S:reserve', 'S:signed', 'S:completed']);
  });
  it('draws a project’s reports over twelve months, the cumulative line stopping at the last report', () => {
    const o = projectMoneyOption(
      [
        { month: '2026-01', amount_wan: 100, cumulative_wan: 100, reported_by: null, reported_at: '', note: null },
        { month: '2026-03', amount_wan: 50, cumulative_wan: 150, reported_by: null, reported_at: '', note: null },
        { month: '2025-12', amount_wan: 999, cumulative_wan: 999, reported_by: null, reported_at: '', note: null },
      ],
      1200,
      2026,
      L,
    ) as { xAxis: { data: string[] }; series: { data: (number | null)[] }[] };
    expect(o.xAxis.data).toHaveLength(12);
    expect(o.series[0].data.slice(0, 4)).toEqual([100, 0, 50, 0]);
    expect(o.series[1].data.slice(0, 4)).toEqual([100, 100, 150, null]);
    expect(o.series[2].data[0]).toBe(100);
    expect(o.series[2].data[11]).toBe(1200);
  });
  it('draws signings with counts and 亿元 amounts', () => {
    const o = signingsOption([{ name: '深圳经贸合作推介活动', count: 18, contract_wan: 3551000 }], L, '亿元') as {
      yAxis: { data: string[] };
      series: { data: number[] }[];
    };
    expect(o.yAxis.data).toEqual(['深圳经贸合作推介活动']);
    expect(o.series[0].data).toEqual([18]);
    expect(o.series[1].data).toEqual([355.1]);
  });
});
