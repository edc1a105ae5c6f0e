// The server's role → permission table (src/org/org.cpp, org::RolesWith), as it is enforced.
// The server has no endpoint that lists it, so it is copied here; roles.test.ts reads the C++
// and fails when the two disagree.
import { ALL_PERMISSIONS, ROLES, type Permission, type Role } from './types';

/** The roles that carry each permission, as org::RolesWith lists them. */
export const PERMISSION_ROLES: Record<Permission, Role[]> = {
  'org.read': ['sysadmin', 'secadmin', 'leader', 'supervisor', 'staff', 'inspector', 'statistician'],
  'org.write': ['sysadmin'],
  'user.read': ['sysadmin', 'secadmin'],
  'user.write': ['sysadmin'],
  'role.grant': ['secadmin'],
  'user.unlock': ['secadmin'],
  'security.policy': ['secadmin'],
  'session.admin': ['secadmin'],
  'audit.read': ['auditor'],
  'plan.read': ['leader', 'supervisor', 'staff'],
  'plan.write': ['supervisor'],
  'plan.report': ['staff'],
  'plan.comment': ['leader'],
  'plan.followup': ['supervisor'],
  'indicator.read': ['leader', 'supervisor', 'staff', 'statistician'],
  'indicator.write': ['statistician'],
  'attachment.read': ['leader', 'supervisor', 'staff', 'inspector', 'statistician'],
  'attachment.write': ['leader', 'supervisor', 'staff', 'inspector'],
  'indicator.publish': ['statistician', 'supervisor'],
  'case.read': ['leader', 'supervisor', 'staff', 'inspector'],
  'case.report': ['supervisor', 'staff', 'inspector'],
  'case.handle': ['leader', 'supervisor', 'staff', 'inspector'],
  'case.dispatch': ['supervisor'],
  'case.admin': ['sysadmin'],
  'case.personal': ['leader', 'supervisor', 'staff'],
  'calendar.admin': ['sysadmin'],
  'project.read': ['leader', 'supervisor', 'staff', 'statistician'],
  'project.write': ['supervisor', 'staff'],
  'project.admin': ['supervisor'],
  'disclosure.publish': ['supervisor'],
};

/** A role's permissions, in the order of ALL_PERMISSIONS. */
export function permissionsOf(role: Role): Permission[] {
  return ALL_PERMISSIONS.filter((p) => PERMISSION_ROLES[p].includes(role));
}

/** Every role with its permissions, in the order of ROLES. */
export const ROLE_PERMISSIONS: Record<Role, Permission[]> = Object.fromEntries(
  ROLES.map((r) => [r, permissionsOf(r)]),
) as Record<Role, Permission[]>;
