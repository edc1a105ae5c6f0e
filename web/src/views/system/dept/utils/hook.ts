// State and actions of 部門管理: the lazy tree (or a flat search result), dialogs, writes.
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessage, ElMessageBox } from 'element-plus';
import { deactivateOrgUnit, listOrgUnits } from '@/api/org';
import type { OrgKind, OrgUnit } from '@/api/types';
import { sortUnits, toRow, type OrgRow } from './types';

export function useDept() {
  const { t } = useI18n();
  const query = reactive<{ q: string; kind: OrgKind | ''; active: '' | 'true' | 'false' }>({ q: '', kind: '', active: '' });
  const loading = ref(false);
  const rows = ref<OrgRow[]>([]);
  const total = ref(0);
  const page = ref(1);
  const perPage = ref(50);
  const tableKey = ref(0);
  /** Searching shows a flat, paged list; otherwise a lazy tree from the scope's top units. */
  const flat = computed(() => !!(query.q || query.kind || query.active));

  /** The top units of the caller's scope: roots, or the shallowest units it can see. */
  async function scopeRoots(): Promise<OrgUnit[]> {
    const roots = await listOrgUnits({ parent_id: null, per_page: 500 });
    if (roots.items.length) return roots.items;
    const all = await listOrgUnits({ per_page: 500 });
    const ids = new Set(all.items.map((u) => u.id));
    return all.items.filter((u) => u.parent_id === null || !ids.has(u.parent_id));
  }

  async function load() {
    loading.value = true;
    try {
      if (flat.value) {
        const r = await listOrgUnits({
          q: query.q || undefined,
          kind: query.kind || undefined,
          active: query.active === '' ? undefined : query.active === 'true',
          page: page.value,
          per_page: perPage.value,
        });
        rows.value = r.items.map((u) => ({ ...u, hasChildren: false }));
        total.value = r.total;
      } else {
        const roots = await scopeRoots();
        rows.value = sortUnits(roots).map(toRow);
        total.value = roots.length;
      }
      tableKey.value++;
    } finally {
      loading.value = false;
    }
  }

  async function loadChildren(row: OrgRow, _node: unknown, resolve: (rows: OrgRow[]) => void) {
    try {
      const r = await listOrgUnits({ parent_id: row.id, per_page: 500 });
      resolve(sortUnits(r.items).map(toRow));
    } catch {
      resolve([]);
    }
  }

  function search() {
    page.value = 1;
    void load();
  }
  function reset() {
    query.q = '';
    query.kind = '';
    query.active = '';
    search();
  }

  async function deactivate(row: OrgUnit) {
    try {
      await ElMessageBox.confirm(t('dept.deactivateConfirm', { name: row.name }), t('msg.confirmTitle'), {
        type: 'warning',
        confirmButtonText: t('action.confirm'),
        cancelButtonText: t('action.cancel'),
      });
    } catch {
      return;
    }
    await deactivateOrgUnit(row.id);
    ElMessage.success(t('msg.done'));
    await load();
  }

  return { query, loading, rows, total, page, perPage, tableKey, flat, load, loadChildren, search, reset, deactivate };
}
