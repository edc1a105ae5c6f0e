// The desktop registration form (登记, /cases/new): which types an account may register, the
// checks made before sending (the server makes them again and has the last word), and the request.
import type { CaseType, CaseTypeCode, NewCase } from '@/api/cases';

export interface RegisterForm {
  type: string;
  category: string;
  title: string;
  description: string;
  urgency: 'normal' | 'urgent';
  source: string;
  streetId: number | null;
  gridId: number | null;
  /** A point picked on the map (the server places it in its grid when no grid is chosen). */
  lon: number | null;
  lat: number | null;
  address: string;
  reporterName: string;
  reporterPhone: string;
  reporterId: string;
  subjectUnitId: number | null;
  attachments: string[];
}

export function emptyRegisterForm(type = ''): RegisterForm {
  return {
    type,
    category: '',
    title: '',
    description: '',
    urgency: 'normal',
    source: '',
    streetId: null,
    gridId: null,
    lon: null,
    lat: null,
    address: '',
    reporterName: '',
    reporterPhone: '',
    reporterId: '',
    subjectUnitId: null,
    attachments: [],
  };
}

/** The types one of the roles may register (the type's create_roles), in the server's order. */
export function creatableTypes(types: readonly CaseType[], roles: readonly string[]): CaseType[] {
  return types.filter((t) => (t.create_roles ?? []).some((r) => roles.includes(r)));
}

/** Whether a role of the account must attach a photo for this type (create_requires). */
export function photoRequired(type: CaseType | undefined, roles: readonly string[]): boolean {
  const req = type?.create_requires ?? {};
  return roles.some((r) => (req[r] ?? []).includes('attachments'));
}

/** The default source of a registration by type and role, as the server would choose it. */
export function defaultSource(type: string, roles: readonly string[] = []): string {
  if (roles.includes('inspector')) return 'grid';
  return type === 'hotline' ? 'hotline' : type === 'petition' ? 'petition' : type === 'enterprise' ? 'visit' : 'web';
}

/** Full-width digits and letters (２１０…, Ｘ) as ASCII; a pasted value often carries them. */
function halfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}
/** An ID number as typed or pasted: spaces gone, full-width characters made ASCII, x as X. */
export function normalizeIdNumber(s: string): string {
  return halfWidth(s).replace(/\s+/g, '').toUpperCase();
}
/** A phone as typed or pasted: spaces, brackets and a leading +86 gone; full-width made ASCII. */
export function normalizePhone(s: string): string {
  return halfWidth(s)
    .replace(/[\s()（）]/g, '')
    .replace(/^\+86-?/, '')
    .replace(/^86(?=1\d{10}$)/, '');
}

/** An 18-character resident ID number with a valid ISO 7064 MOD 11-2 check character. */
export function validIdNumber(s: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(s)) return false;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * w[i];
  return '10X98765432'[sum % 11] === s[17].toUpperCase();
}

/** A phone number as the server takes it: 7-20 digits, '-' allowed between them. */
export function validPhone(s: string): boolean {
  return /^\d[\d-]{5,18}\d$/.test(s) && s.replace(/-/g, '').length >= 7;
}

/** Problems found before sending, by the form field they belong to (message keys). */
export function registerProblems(f: RegisterForm, photoNeeded: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (!f.type) out.type = 'cases.register.needType';
  if (!f.category) out.category = 'cases.register.needCategory';
  if (!f.description.trim()) out.description = 'cases.register.needDescription';
  const phone = normalizePhone(f.reporterPhone);
  if (phone && !validPhone(phone)) out['reporter.phone'] = 'cases.register.badPhone';
  const id = normalizeIdNumber(f.reporterId);
  if (id && !/^\d{17}[\dX]$/.test(id)) out['reporter.id_number'] = 'cases.register.idLength';
  else if (id && !validIdNumber(id)) out['reporter.id_number'] = 'cases.register.badId';
  if (photoNeeded && !f.attachments.length) out.attachments = 'cases.register.needPhoto';
  return out;
}

/** The POST /cases body: empty fields left out; a subject only for a petition. */
export function registerBody(f: RegisterForm): NewCase {
  const b: NewCase = { type: f.type as CaseTypeCode, category: f.category, description: f.description.trim(), urgency: f.urgency };
  if (f.title.trim()) b.title = f.title.trim();
  if (f.source) b.source = f.source;
  // Both when both are chosen: the server refuses a grid of another street (naming the place).
  if (f.gridId) b.grid_id = f.gridId;
  if (f.streetId) b.street_id = f.streetId;
  if (f.lon !== null && f.lat !== null) {
    b.lon = f.lon;
    b.lat = f.lat;
  }
  if (f.address.trim()) b.address = f.address.trim();
  const name = f.reporterName.trim();
  const phone = normalizePhone(f.reporterPhone);
  const id = normalizeIdNumber(f.reporterId);
  if (name || phone || id) b.reporter = { name, phone, ...(id ? { id_number: id } : {}) };
  if (f.type === 'petition' && f.subjectUnitId) b.subject_unit_id = f.subjectUnitId;
  if (f.attachments.length) b.attachments = [...f.attachments];
  return b;
}

/** Where a server error's field is shown on the form ("street_id" and "lon" are the place). */
export function registerFieldOf(field: string | undefined): string | null {
  if (!field) return null;
  if (field === 'street_id' || field === 'grid_id' || field === 'lon' || field === 'lat') return 'place';
  if (field.startsWith('attachments')) return 'attachments';
  const known = ['type', 'category', 'title', 'description', 'urgency', 'source', 'address', 'reporter.name', 'reporter.phone', 'reporter.id_number', 'subject_unit_id'];
  return known.includes(field) ? field : null;
}
