// State and actions of 用戶管理.
import { reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessage } from 'element-plus';
import { confirmed } from '@/utils/confirm';
import { listUsers, resetUserTotp, unlockUser, updateUser } from '@/api/system';
import type { Role, User } from '@/api/types';
import { resolveOrgNames } from '@/utils/orgNames';
import { useUserStore } from '@/store/modules/user';

export function useUsers() {
  const { t } = useI18n();
  const me = useUserStore();
  const query = reactive<{ q: string; role: Role | '' }>({ q: '', role: '' });
  const rows = ref<User[]>([]);
  const total = ref(0);
  const page = ref(1);
  const perPage = ref(20);
  const loading = ref(false);

  async function load() {
    loading.value = true;
    try {
      const r = await listUsers({ q: query.q || undefined, role: query.role || undefined, page: page.value, per_page: perPage.value });
      rows.value = r.items;
      total.value = r.total;
      if (me.has('org.read')) resolveOrgNames(new Set(r.items.flatMap((u) => [...u.units, ...u.scope_units])));
    } finally {
      loading.value = false;
    }
  }
  function search() {
    page.value = 1;
    void load();
  }
  function reset() {
    query.q = '';
    query.role = '';
    search();
  }

  const confirm = (text: string) => confirmed(text, t('msg.confirmTitle'), t);

  async function toggleDisabled(u: User) {
    const name = u.display_name || u.username;
    if (!(await confirm(u.disabled ? t('user.enableConfirm', { name }) : t('user.disableConfirm', { name })))) return;
    await updateUser(u.id, { disabled: !u.disabled });
    ElMessage.success(t('msg.done'));
    await load();
  }

  async function unlock(u: User) {
    if (!(await confirm(t('user.unlockConfirm', { name: u.display_name || u.username })))) return;
    await unlockUser(u.id);
    ElMessage.success(t('user.unlocked'));
    await load();
  }

  async function resetTotp(u: User) {
    if (!(await confirm(t('user.totpResetConfirm', { name: u.display_name || u.username })))) return;
    await resetUserTotp(u.id);
    ElMessage.success(t('msg.done'));
    await load();
  }

  return { query, rows, total, page, perPage, loading, load, search, reset, toggleDisabled, unlock, resetTotp };
}
