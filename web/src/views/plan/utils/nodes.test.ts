import { describe, expect, it } from 'vitest';
import type { PlanNode } from '@/api/plan';
import { buildRows, keyWorkOf } from './nodes';

const n = (id: number, parent_id: number | null, kind: PlanNode['kind'] = 'task'): PlanNode => ({
  id,
  plan_id: 1,
  parent_id,
  kind,
  seq: id,
  number: String(id),
  title: 't' + id,
  lead_unit: null,
  co_units: [],
  status: '未啟動',
  percent: 0,
  light: 'green',
});

describe('buildRows', () => {
  it('nests a pre-order list by parent id', () => {
    const rows = buildRows([n(1, null, 'key_work'), n(2, 1, 'item'), n(3, 2), n(4, 1), n(5, null, 'key_work')]);
    expect(rows.map((r) => r.id)).toEqual([1, 5]);
    expect(rows[0].children!.map((r) => r.id)).toEqual([2, 4]);
    expect(rows[0].children![0].children!.map((r) => r.id)).toEqual([3]);
    expect(rows[1].children).toBeUndefined();
  });
  it('keeps an orphan as a root and finds key works', () => {
    const list = [n(1, null, 'key_work'), n(3, 2), n(4, 1)];
    expect(buildRows(list).map((r) => r.id)).toEqual([1, 3]);
    const kw = keyWorkOf(list);
    expect(kw.get(4)!.id).toBe(1);
    expect(kw.get(3)!.id).toBe(3);
  });
});
