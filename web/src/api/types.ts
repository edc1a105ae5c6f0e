// Shapes of the server's JSON (docs/api.md, GET /api/v1/openapi.json).

export type Permission =
  | 'org.read'
  | 'org.write'
  | 'user.read'
  | 'user.write'
  | 'role.grant'
  | 'user.unlock'
  | 'security.policy'
  | 'session.admin'
  | 'audit.read'
  | 'plan.read'
  | 'plan.write'
  | 'plan.report'
  | 'plan.comment'
  | 'plan.followup'
  | 'indicator.read'
  | 'indicator.write'
  | 'case.read'
  | 'case.report'
  | 'case.handle'
  | 'case.dispatch'
  | 'case.admin'
  | 'case.personal'
  | 'attachment.read'
  | 'attachment.write'
  | 'indicator.publish'
  | 'calendar.admin'
  | 'project.read'
  | 'project.write'
  | 'project.admin'
  | 'disclosure.publish';

export const ALL_PERMISSIONS: Permission[] = [
  'org.read',
  'org.write',
  'user.read',
  'user.write',
  'role.grant',
  'user.unlock',
  'security.policy',
  'session.admin',
  'audit.read',
  'plan.read',
  'plan.write',
  'plan.report',
  'plan.comment',
  'plan.followup',
  'indicator.read',
  'indicator.write',
  'case.read',
  'case.report',
  'case.handle',
  'case.dispatch',
  'case.admin',
  'case.personal',
  'attachment.read',
  'attachment.write',
  'indicator.publish',
  'calendar.admin',
  'project.read',
  'project.write',
  'project.admin',
  'disclosure.publish',
];

// The server's roles (src/org/org.hpp kRoles; api/roles.test.ts checks the two agree).
export type Role = 'sysadmin' | 'secadmin' | 'auditor' | 'leader' | 'staff' | 'inspector' | 'supervisor' | 'statistician';
export const ROLES: Role[] = ['sysadmin', 'secadmin', 'auditor', 'leader', 'staff', 'inspector', 'supervisor', 'statistician'];
export const ADMIN_ROLES: Role[] = ['sysadmin', 'secadmin', 'auditor'];
export const BUSINESS_ROLES: Role[] = ['leader', 'staff', 'inspector', 'supervisor', 'statistician'];

export type DataScope = 'all' | 'custom' | 'unit' | 'unit_and_below' | 'self';
export const DATA_SCOPES: DataScope[] = ['all', 'custom', 'unit', 'unit_and_below', 'self'];

export type OrgKind = 'district' | 'street' | 'community' | 'grid' | 'department';
export const ORG_KINDS: OrgKind[] = ['district', 'street', 'community', 'grid', 'department'];

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export interface Me {
  id: number;
  username: string;
  display_name: string;
  roles: Role[];
  units: number[];
  /** Names of my own units (readable whatever the role). */
  units_detail?: { id: number; name: string; kind: string }[];
  /** This session's id (null for an API token). */
  session_id?: number | null;
  permissions: Permission[];
  must_change_password: boolean;
  totp_required?: boolean;
  totp_enabled?: boolean;
  csrf_token: string | null;
}

export interface LoginOk {
  csrf_token: string;
  must_change_password: boolean;
  totp_required?: boolean;
  totp_enabled?: boolean;
  user: { id: number; username: string; roles: Role[] };
}
export interface SecondFactorRequired {
  second_factor_required: true;
  challenge: string;
}
export type LoginAnswer = LoginOk | SecondFactorRequired;

export interface TotpEnrollment {
  secret: string;
  otpauth_uri: string;
}

export interface OrgUnit {
  id: number;
  parent_id: number | null;
  kind: OrgKind;
  name: string;
  code: string | null;
  path: string;
  active: boolean;
  generated: boolean;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface OrgImportResult {
  imported?: number;
  valid_rows?: number;
  [k: string]: unknown;
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  roles: Role[];
  units: number[];
  scope_units: number[];
  data_scope: DataScope;
  disabled: boolean;
  locked: boolean;
  locked_until: string | null;
  must_change_password: boolean;
  totp_enabled?: boolean;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface UserCreate {
  username: string;
  password: string;
  roles: Role[];
  units: number[];
  display_name?: string;
  data_scope?: DataScope;
  scope_units?: number[];
}
export interface UserPatch {
  display_name?: string;
  data_scope?: DataScope;
  units?: number[];
  scope_units?: number[];
  disabled?: boolean;
}

export interface SecurityPolicy {
  min_length: number;
  min_classes: number;
  lockout_threshold: number;
  lockout_window_min: number;
  lockout_minutes: number;
  idle_timeout_min: number;
  absolute_timeout_h: number;
  totp_roles?: Role[];
}

export interface SessionInfo {
  id: number;
  user_id: number;
  username: string;
  created_at: string;
  last_seen_at: string;
  ip: string;
  user_agent: string;
}

export type ApiTokenStatus = 'active' | 'expired' | 'revoked';

/** An API token as lists show it: never its secret. */
export interface ApiToken {
  id: number;
  user_id: number;
  username?: string; // in the security administrator's list
  name: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null; // to the minute
  status: ApiTokenStatus;
}

/** POST /me/tokens: the only time the secret is shown. */
export interface ApiTokenCreated {
  id: number;
  token: string;
  name: string;
  expires_at: string;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor_id: number | null;
  actor: string;
  action: string;
  object_type: string;
  object_id: number | null;
  payload: unknown;
  prev_hash: string;
  hash: string;
}

export interface VerifyReport {
  ok: boolean;
  count: number;
  head_seq: number;
  head_hash: string;
  first_bad_seq: number | null;
  problem: string;
}
