// The plan API client against a mocked fetch: paths, queries and bodies as docs/plan-api.md says,
// errors kept in place (silent) with their field.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, setCsrfToken, setFetch, setHttpHooks } from './http';
import * as plan from './plan';
import { errorText } from '@/views/plan/utils/errors';

interface Call {
  url: string;
  init: RequestInit;
}
let calls: Call[] = [];
let next: () => Response;
const hooks = { onError: vi.fn(), onUnauthorized: vi.fn(), onPending: vi.fn() };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const bodyOf = (c: Call) => JSON.parse(String(c.init.body));

beforeEach(() => {
  calls = [];
  next = () => json(200, { items: [], total: 0 });
  setFetch((async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return next();
  }) as unknown as typeof fetch);
  setHttpHooks(hooks);
  setCsrfToken('tok');
  vi.clearAllMocks();
});
afterEach(() => setFetch(null));

describe('plan API client', () => {
  it('previews an import without storing, with the CSRF header', async () => {
    next = () => json(200, { title: 't', year: 2027, encoding: 'GB18030', source: '', nodes: [] });
    const p = await plan.importPreview({ filename: 'r.txt', content_base64: 'AAA=', year: 2027 });
    expect(p.encoding).toBe('GB18030');
    expect(calls[0].url).toBe('/api/v1/plans/import-preview');
    expect(calls[0].init.method).toBe('POST');
    expect((calls[0].init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok');
    expect(bodyOf(calls[0])).toEqual({ filename: 'r.txt', content_base64: 'AAA=', year: 2027 });
  });

  it('lists nodes with only the filters given; mine=1', async () => {
    await plan.listNodes(7, { status: '滯後', light: 'red', q: '', unit_id: null, key_work_id: 3 });
    expect(calls[0].url).toBe('/api/v1/plans/7/nodes?status=%E6%BB%AF%E5%BE%8C&light=red&key_work_id=3');
    await plan.listNodes(7, { mine: true });
    expect(calls[1].url).toBe('/api/v1/plans/7/nodes?mine=1');
  });

  it('sends reports, comments, follow-ups and replies to their paths', async () => {
    next = () => json(201, {});
    await plan.addReport(5, { text: '已開工', percent: 40, status: '推進中' });
    await plan.addComment(5, '抓緊');
    await plan.issueFollowup(5, { content: '請說明', reply_days: 2 });
    await plan.replyFollowup(9, '已整改');
    await plan.updateNode(5, { lead_unit_id: 12, version: 3 });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'POST /api/v1/plan-nodes/5/reports',
      'POST /api/v1/plan-nodes/5/comments',
      'POST /api/v1/plan-nodes/5/followups',
      'POST /api/v1/followups/9/reply',
      'PATCH /api/v1/plan-nodes/5',
    ]);
    expect(bodyOf(calls[0])).toEqual({ text: '已開工', percent: 40, status: '推進中' });
    expect(bodyOf(calls[2])).toEqual({ content: '請說明', reply_days: 2 });
    expect(bodyOf(calls[4])).toEqual({ lead_unit_id: 12, version: 3 });
  });

  it('keeps form errors in place and names the field', async () => {
    next = () => json(422, { error: { code: 'validation', message: '不能早於開始日期', field: 'due_date' } });
    const e = await plan.updateNode(5, { due_date: '2026-01-01' }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(hooks.onError).not.toHaveBeenCalled();
    expect(errorText(e)).toBe('「完成时限」填写有误（不能早於開始日期）');
    next = () => json(422, { error: { code: 'validation', message: 'too long', field: 'nodes[3].title' } });
    expect(errorText(await plan.createPlan({ title: 't', year: 2027, source: '', encoding: 'UTF-8', nodes: [] }).catch((x) => x))).toBe('「标题（nodes[3]）」填写有误（too long）');
    // a missing reason reads as the form asks for it, not as the server's English
    next = () => json(422, { error: { code: 'required', message: 'a task that cannot be completed needs a reason (status_reason)', field: 'status_reason' } });
    expect(errorText(await plan.updateNode(5, { status: '无法完成' } as never).catch((x) => x))).toBe('请填写「原因说明」');
  });

  it('links the xlsx export', () => {
    expect(plan.exportXlsxUrl(4)).toBe('/api/v1/plans/4/export.xlsx');
    expect(plan.exportXlsxUrl(4, 'zh-CN')).toBe('/api/v1/plans/4/export.xlsx?script=simplified');
    expect(plan.exportXlsxUrl(4, 'en')).toBe('/api/v1/plans/4/export.xlsx');
  });

  it("validates an edited sheet, then applies it on the user's say", async () => {
    next = () => json(200, { rows: 3, valid: 2, changes: 1, applied: 0, errors: [{ row: 4, column: '牽頭單位', message: 'no active org unit named X' }] });
    const r = await plan.importSheet(4, 'UEsDBA==', false);
    expect(r.errors[0]).toEqual({ row: 4, column: '牽頭單位', message: 'no active org unit named X' });
    expect(calls[0].url).toBe('/api/v1/plans/4/import-sheet');
    expect(calls[0].init.method).toBe('POST');
    expect(bodyOf(calls[0])).toEqual({ content_base64: 'UEsDBA==', apply: false });
    await plan.importSheet(4, 'UEsDBA==', true);
    expect(bodyOf(calls[1]).apply).toBe(true);
  });
});
