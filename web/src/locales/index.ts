// vue-i18n set-up: zh-CN by default, zh-TW and en; the choice is kept in localStorage.
import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN';
import zhTW from './zh-TW';
import en from './en';
import type { AppLocale } from '@/utils/format';

export const LOCALES: AppLocale[] = ['zh-CN', 'zh-TW', 'en'];
export const LOCALE_KEY = 'duban.locale';
export type Messages = typeof zhCN;

export const messages: Record<AppLocale, Messages> = { 'zh-CN': zhCN, 'zh-TW': zhTW, en };

function storedLocale(): AppLocale {
  try {
    const v = globalThis.localStorage?.getItem(LOCALE_KEY);
    if (v && (LOCALES as string[]).includes(v)) return v as AppLocale;
  } catch {
    // storage blocked: fall back to the default
  }
  return 'zh-CN';
}

export const i18n = createI18n<[Messages], AppLocale, false>({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages,
  missingWarn: false,
  fallbackWarn: false,
});

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale;
}

export function setLocale(l: AppLocale): void {
  i18n.global.locale.value = l;
  try {
    globalThis.localStorage?.setItem(LOCALE_KEY, l);
  } catch {
    // not remembered; still switched
  }
  if (typeof document !== 'undefined') {
    document.documentElement.lang = l;
    document.title = i18n.global.t('app.title');
  }
}
