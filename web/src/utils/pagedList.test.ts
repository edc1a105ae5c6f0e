import { describe, expect, it } from 'vitest';
import { usePagedList } from './pagedList';

describe('usePagedList', () => {
  it('asks for the current page and size, keeps the rows and total, and search starts again at page 1', async () => {
    const asked: Array<{ page: number; per_page: number }> = [];
    const l = usePagedList(async (q) => {
      asked.push(q);
      return { items: [q.page * 10], total: 42, page: q.page, per_page: q.per_page };
    }, 20);
    await l.load();
    expect([l.rows.value, l.total.value, l.loading.value]).toEqual([[10], 42, false]);
    l.page.value = 3;
    await l.load();
    expect(l.rows.value).toEqual([30]);
    l.perPage.value = 50;
    await l.search();
    expect(asked).toEqual([
      { page: 1, per_page: 20 },
      { page: 3, per_page: 20 },
      { page: 1, per_page: 50 },
    ]);
  });

  it('is not left loading when the request fails', async () => {
    const l = usePagedList<number>(async () => {
      throw new Error('503');
    });
    await expect(l.load()).rejects.toThrow('503');
    expect(l.loading.value).toBe(false);
  });
});
