// The indicators API client against a mocked fetch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setCsrfToken, setFetch, setHttpHooks } from './http';
import { getMonthly, packFileUrl, savePackDraft } from './indicator';

let urls: string[] = [];
let bodies: string[] = [];
beforeEach(() => {
  urls = [];
  bodies = [];
  setFetch((async (url: string, init?: RequestInit) => {
    urls.push(url);
    bodies.push(String(init?.body ?? ''));
    return new Response(
      JSON.stringify({ district: '沙河口区', unit_id: 1, year: 2026, month: 6, time_progress: '50.0', rows: [], streets: [], trends: [] }),
      { status: 200, headers: { 'Content-Type': 'application/json' } },
    );
  }) as unknown as typeof fetch);
  setHttpHooks({});
  setCsrfToken('tok');
});
afterEach(() => setFetch(null));

describe('indicators API client', () => {
  it('asks for the month and the unit', async () => {
    const d = await getMonthly('2026-06', 2);
    expect(urls[0]).toBe('/api/v1/indicators/monthly?month=2026-06&unit_id=2');
    expect(d.time_progress).toBe('50.0');
  });
  it('leaves out what is not given (the server defaults)', async () => {
    await getMonthly('', null);
    expect(urls[0]).toBe('/api/v1/indicators/monthly');
  });
  it('saves a pack draft with the revision it started from', async () => {
    await savePackDraft('2026-06', null, ['第一段', '第二段'], 3);
    expect(urls[0]).toBe('/api/v1/indicators/pack/draft');
    expect(JSON.parse(bodies[0])).toEqual({ month: '2026-06', narrative: ['第一段', '第二段'], revision: 3 });
  });
  it('builds pack file links: the working draft, or a published edition', () => {
    expect(packFileUrl('2026-06', null, 'xlsx')).toBe('/api/v1/indicators/pack/file?month=2026-06&format=xlsx');
    expect(packFileUrl('2026-06', 5, 'pdf', 2)).toBe('/api/v1/indicators/pack/file?month=2026-06&format=pdf&unit_id=5&edition=2');
  });
});
