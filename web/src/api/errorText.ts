// What a person reads when a request fails. The server's messages are English and name the field
// (`{"error": {"code", "message", "field"}}`); in the Chinese locales the toast leads with a sentence
// in the person's language built from the status, the code and the field's label, and keeps the
// server's words in brackets where they add something (a limit, a value, a stage).
import type { ApiError } from './http';
import { i18n, currentLocale } from '@/locales';

type Translate = (key: string, params?: Record<string, unknown>) => string;
type Exists = (key: string) => boolean;

const REQUIRED = new Set(['required', 'missing_field']);
const STALE = new Set(['stale_version', 'version_conflict', 'stale_sheet']);
const DUPLICATE = new Set(['duplicate', 'duplicate_code', 'duplicate_username']);

/** The label of an API field: "reporter.phone" → 电话, "attachments[2]" → 附件, else the name itself. */
export function fieldLabel(field: string, t: Translate, te: Exists): string {
  const last = field.split('.').pop()!.replace(/\[\d+\]$/, '');
  const key = `apiError.fields.${last}`;
  return te(key) ? t(key) : field;
}

/** label: the field's name as the form in front of the person calls it (else apiError.fields). */
export function apiErrorText(e: ApiError, locale: string, t: Translate, te: Exists, label?: string): string {
  if (e.status === 0) return t('msg.networkError');  // no answer at all
  if (locale === 'en') return label ? `${label}: ${e.message}` : e.message;
  const detail = (text: string) => (e.message && e.message !== e.code ? t('apiError.withDetail', { text, detail: e.message }) : text);
  const field = label || (e.field ? fieldLabel(e.field, t, te) : '');
  // A refusal with a rule of its own says the rule in the person's words, without the server's.
  if (e.code && te(`apiError.codes.${e.code}`)) return t(`apiError.codes.${e.code}`, { field });
  if (e.status === 422 || e.status === 400) {
    if (!field) return detail(t('apiError.badRequest'));
    if (REQUIRED.has(e.code)) return t('apiError.required', { field });
    if (e.code === 'unknown_field') return t('apiError.unknownField', { field });
    if (e.code === 'wrong_type') return detail(t('apiError.wrongType', { field }));
    return detail(t('apiError.invalid', { field }));
  }
  if (e.status === 409) {
    if (STALE.has(e.code)) return t('apiError.stale');
    if (e.code === 'wrong_stage') return detail(t('apiError.wrongStage'));
    if (DUPLICATE.has(e.code)) return detail(t('apiError.duplicate'));
    return detail(t('apiError.conflict'));
  }
  if (e.status === 403) return detail(t('apiError.forbidden'));
  if (e.status === 404) return t('apiError.notFound');
  if (e.status === 413) return detail(t('apiError.tooLarge'));
  if (e.status === 415) return detail(t('apiError.unsupportedType'));
  if (e.status === 429) return t('apiError.rateLimited');
  if (e.status === 503) return t('apiError.busy');
  return e.message;
}

/** apiErrorText in the app's current locale (label: as in apiErrorText). */
export function apiErrorMessage(e: ApiError, label?: string): string {
  return apiErrorText(e, currentLocale(), (k, p) => i18n.global.t(k, p ?? {}), (k) => i18n.global.te(k), label);
}
