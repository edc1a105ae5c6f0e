// "春柳街道" for the account's units, or "單位 #7" where the name cannot be read.
import { computed, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { useUserStore } from '@/store/modules/user';

export function useUnitLabel(): ComputedRef<string> {
  const { t } = useI18n();
  const user = useUserStore();
  return computed(() =>
    (user.me?.units ?? []).map((id) => user.unitNames[id] ?? t('app.unknownUnit', { id })).join('、'),
  );
}
