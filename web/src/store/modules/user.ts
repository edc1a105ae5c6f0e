// The signed-in account: who, which permissions, and what must happen before anything else
// (a forced password change, a forced two-factor enrolment).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as session from '@/api/session';
import { getOrgUnit } from '@/api/org';
import { setCsrfToken } from '@/api/http';
import type { LoginOk, Me, Permission } from '@/api/types';

export const useUserStore = defineStore('user', () => {
  const me = ref<Me | null>(null);
  /** GET /me has answered once (with an account or a 401). */
  const loaded = ref(false);
  const unitNames = ref<Record<number, string>>({});

  const permissions = computed<Permission[]>(() => me.value?.permissions ?? []);
  const mustChangePassword = computed(() => !!me.value?.must_change_password);
  const totpPending = computed(() => !!me.value?.totp_required && !me.value?.totp_enabled);

  function has(p: Permission | null | undefined): boolean {
    return !p || permissions.value.includes(p);
  }

  async function fetchMe(): Promise<Me> {
    const m = await session.getMe();
    me.value = m;
    loaded.value = true;
    setCsrfToken(m.csrf_token);
    void loadUnitNames();
    return m;
  }

  /** Names of my units: readable with org.read; others show "單位 #id". */
  async function loadUnitNames(): Promise<void> {
    const m = me.value;
    if (!m) return;
    if (m.units_detail?.length) {
      const names: Record<number, string> = { ...unitNames.value };
      for (const u of m.units_detail) names[u.id] = u.name;
      unitNames.value = names;
      return;
    }
    if (!m.permissions.includes('org.read')) return;
    for (const id of m.units) {
      if (unitNames.value[id]) continue;
      try {
        const u = await getOrgUnit(id, { silent: true });
        unitNames.value = { ...unitNames.value, [id]: u.name };
      } catch {
        // out of scope or gone: keep the id
      }
    }
  }

  function acceptLogin(r: LoginOk): void {
    setCsrfToken(r.csrf_token);
  }

  function reset(): void {
    me.value = null;
    loaded.value = true;
    unitNames.value = {};
    setCsrfToken(null);
  }

  async function logout(): Promise<void> {
    try {
      await session.logout();
    } finally {
      reset();
    }
  }

  return {
    me,
    loaded,
    unitNames,
    permissions,
    mustChangePassword,
    totpPending,
    has,
    fetchMe,
    loadUnitNames,
    acceptLogin,
    reset,
    logout,
  };
});
