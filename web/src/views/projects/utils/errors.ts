// Server errors of the project pages shown in place, with the field named by its label.
import { ApiError } from '@/api/http';
import { i18n } from '@/locales';
import { apiErrorMessage } from '@/api/errorText';

const FIELD_KEYS: Record<string, string> = {
  evidence: 'projects.field.evidence',
  date: 'projects.field.date',
  to_stage: 'projects.field.stage',
  stage: 'projects.field.stage',
  attachments: 'projects.field.attachments',
  version: 'projects.field.version',
  month: 'projects.field.month',
  amount_wan: 'projects.field.amount',
  note: 'projects.field.note',
  title: 'projects.field.title',
  description: 'projects.field.description',
  urgency: 'projects.field.urgency',
  content: 'projects.field.content',
  reply_days: 'projects.field.replyDays',
  name: 'projects.field.name',
  credit_code: 'projects.field.creditCode',
  origin_region: 'projects.field.originRegion',
  registered_capital_wan: 'projects.field.capital',
  registered_on: 'projects.field.registeredOn',
  street_id: 'projects.field.street',
  leader: 'projects.field.leader',
  lead_unit_id: 'projects.field.leadUnit',
  investor: 'projects.field.investor',
  project_kind: 'projects.field.kind',
  total_investment_wan: 'projects.field.total',
  annual_plan_wan: 'projects.field.annualPlan',
  contract_amount_wan: 'projects.field.contract',
  funds_in_place_wan: 'projects.field.fundsInPlace',
  fx_rate: 'projects.field.fxRate',
  currency: 'projects.field.currency',
  signed_on: 'projects.field.signedOn',
  content_base64: 'projects.field.attachments',
};

/** The field's label (or the field's name when unknown) for an error's field. */
function fieldKey(field: string): string | undefined {
  const leaf = field.replace(/^.*\./, '').replace(/\[\d+\]$/, '');
  return FIELD_KEYS[field] ?? FIELD_KEYS[leaf];
}

export function fieldLabel(field: string): string {
  const key = fieldKey(field);
  return key ? i18n.global.t(key) : field;
}

/** "佐证材料：必填" — the field's label, then the server's message. */
export function projectError(e: unknown): string {
  const t = i18n.global.t;
  if (e instanceof ApiError) {
    const key = e.field ? fieldKey(e.field) : undefined;
    if (key) return `${t(key)}：${e.message}`;
    // any other field, or none (or no answer): the general wording, Chinese first, the server's detail after
    return apiErrorMessage(e);
  }
  return e instanceof Error ? e.message : String(e);
}
