// The cases API client against a mocked fetch: URLs, bodies, the raw upload and errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, setCsrfToken, setFetch, setHttpHooks } from './http';
import { caseAction, createCase, getDispatchRules, getQueue, listCaseTypes, listCases, putDispatchRules, uploadAttachment, attachmentUrl } from './cases';

interface Call {
  url: string;
  init: RequestInit;
}
let calls: Call[] = [];
let reply: { status: number; body: unknown } = { status: 200, body: {} };
const fakeFetch = (async (url: string, init: RequestInit) => {
  calls.push({ url, init });
  return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), { status: reply.status, headers: { 'Content-Type': 'application/json' } });
}) as unknown as typeof fetch;

beforeEach(() => {
  calls = [];
  reply = { status: 200, body: { items: [], total: 0, page: 1, per_page: 20 } };
  setFetch(fakeFetch);
  setHttpHooks({});
  setCsrfToken('tok');
});
afterEach(() => setFetch(null));

describe('cases API client', () => {
  it('lists with the filters, overdue as 1, empty ones left out', async () => {
    await listCases({ type: 'urban', stage: '', light: 'red', street_id: 5, overdue: true, q: '井盖', page: 2, per_page: 20 });
    expect(calls[0].url).toBe('/api/v1/cases?type=urban&light=red&street_id=5&overdue=1&q=%E4%BA%95%E7%9B%96&page=2&per_page=20');
    await listCases({ overdue: false, street_id: null });
    expect(calls[1].url).toBe('/api/v1/cases');
  });
  it('reports a case as JSON with the CSRF header', async () => {
    reply = { status: 201, body: { id: 1, number: 'CG-20260601-000001' } };
    const c = await createCase({ type: 'urban', category: 'C0101', description: '井盖缺失', lon: 121.58, lat: 38.9, attachments: ['ab'] });
    expect(c.number).toBe('CG-20260601-000001');
    expect(calls[0].init.method).toBe('POST');
    expect((calls[0].init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ type: 'urban', category: 'C0101', description: '井盖缺失', lon: 121.58, lat: 38.9, attachments: ['ab'] });
  });
  it('posts an action to its path and surfaces the field of a 422', async () => {
    reply = { status: 422, body: { error: { code: 'required', message: '必填', field: 'unit_id' } } };
    const err = await caseAction(7, 'dispatch', { version: 3 }).catch((e) => e);
    expect(calls[0].url).toBe('/api/v1/cases/7/actions/dispatch');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ version: 3 });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.field).toBe('unit_id');
  });
  it('accepts the types and the queue as a bare array or a page', async () => {
    reply = { status: 200, body: [{ code: 'urban', name: '城市管理', stages: [], actions: [], categories: [] }] };
    expect((await listCaseTypes())[0].code).toBe('urban');
    reply = { status: 200, body: { items: [{ code: 'hotline' }] } };
    expect((await listCaseTypes())[0].code).toBe('hotline');
    reply = { status: 200, body: [{ id: 1 }, { id: 2 }] };
    const q = await getQueue();
    expect(q.total).toBe(2);
    expect(calls[2].url).toBe('/api/v1/case-queue');
  });
  it('reads the dispatch rules from {rules} and replaces them with PUT {rules}', async () => {
    reply = { status: 200, body: { rules: [{ type: 'urban', category: 'C01', street_id: null, grid_id: null, lead_unit_id: 30, co_units: [] }] } };
    expect((await getDispatchRules())[0].lead_unit_id).toBe(30);
    await putDispatchRules([{ type: 'urban', category: '*', lead_unit_id: 3, co_units: [] }]);
    expect(calls[1].init.method).toBe('PUT');
    expect(calls[1].url).toBe('/api/v1/dispatch-rules');
    expect(JSON.parse(String(calls[1].init.body))).toEqual({ rules: [{ type: 'urban', category: '*', lead_unit_id: 3, co_units: [] }] });
  });
  it('uploads a photo as the raw body with its type and name', async () => {
    reply = { status: 201, body: { sha256: 'ab'.repeat(32), mime: 'image/png', size: 3 } };
    const file = new File([new Uint8Array([1, 2, 3])], '现场.png', { type: 'image/png' });
    const a = await uploadAttachment(file, fakeFetch);
    expect(a.sha256).toHaveLength(64);
    const h = calls[0].init.headers as Record<string, string>;
    expect(calls[0].url).toBe('/api/v1/attachments');
    expect(h['Content-Type']).toBe('image/png');
    expect(h['X-File-Name']).toBe(encodeURIComponent('现场.png'));
    expect(h['X-CSRF-Token']).toBe('tok');
    expect(calls[0].init.body).toBe(file);
    expect(attachmentUrl(a.sha256)).toBe('/api/v1/attachments/' + 'ab'.repeat(32));
  });
  it('turns a refused upload into an ApiError naming the field', async () => {
    reply = { status: 415, body: { error: { code: 'unsupported_type', message: '只接受 JPEG、PNG 或 PDF', field: 'body' } } };
    const err = await uploadAttachment(new Blob(['x'], { type: 'text/plain' }), fakeFetch).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(415);
    expect(err.field).toBe('body');
  });
});
