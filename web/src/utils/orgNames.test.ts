import { describe, expect, it, vi } from 'vitest';

const getOrgUnit = vi.fn();
vi.mock('@/api/org', () => ({ getOrgUnit: (...a: unknown[]) => getOrgUnit(...a) }));

import { orgName, rememberOrgNames, resolveOrgNames } from './orgNames';

describe('org unit names', () => {
  it('uses the names a case brought, without asking the server', () => {
    rememberOrgNames({ '30': '区住建局', '5': '春柳街道' });
    resolveOrgNames([30, 5]);
    expect(getOrgUnit).not.toHaveBeenCalled();
    expect(orgName(30)).toBe('区住建局');
    expect(orgName(5)).toBe('春柳街道');
  });

  it('asks for an unknown unit and shows what it can read', async () => {
    getOrgUnit.mockResolvedValueOnce({ id: 77, name: '马栏街道' });
    expect(orgName(77)).toBe('#77');
    resolveOrgNames([77]);
    expect(getOrgUnit).toHaveBeenCalledWith(77, { silent: true });
    await vi.waitFor(() => expect(orgName(77)).toBe('马栏街道'));
  });

  it('keeps a name a case brought while a lookup of the same unit fails', async () => {
    let fail: (e: Error) => void = () => {};
    getOrgUnit.mockReturnValueOnce(new Promise((_, reject) => (fail = reject)));
    resolveOrgNames([88]);
    rememberOrgNames({ '88': '区城管局' });
    fail(new Error('404'));
    await new Promise((r) => setTimeout(r, 0));
    expect(orgName(88)).toBe('区城管局');
  });

  it('takes no names from a case without any', () => {
    rememberOrgNames(undefined);
    rememberOrgNames({});
    expect(orgName(99)).toBe('#99');
  });
});
