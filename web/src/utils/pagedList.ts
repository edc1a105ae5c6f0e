// A list read from the server one page at a time: its rows, total, page, page size and loading
// state, for the pages whose lists have no filters of their own beyond what `fetch` closes over.
import { ref, type Ref } from 'vue';
import type { Page } from '@/api/types';

export function usePagedList<T>(fetch: (q: { page: number; per_page: number }) => Promise<Page<T>>, perPage = 50) {
  const rows = ref([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const size = ref(perPage);
  const loading = ref(false);
  async function load() {
    loading.value = true;
    try {
      const res = await fetch({ page: page.value, per_page: size.value });
      rows.value = res.items;
      total.value = res.total;
    } finally {
      loading.value = false;
    }
  }
  /** From the first page again (a filter or the page size changed). */
  function search() {
    page.value = 1;
    return load();
  }
  return { rows, total, page, perPage: size, loading, load, search };
}
