// The indicators API client against a mocked fetch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setCsrfToken, setFetch, setHttpHooks } from './http';
import { getMonthly } from './indicator';

let urls: string[] = [];
beforeEach(() => {
  urls = [];
  setFetch((async (url: string) => {
    urls.push(url);
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
});
