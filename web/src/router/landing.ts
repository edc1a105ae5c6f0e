// Where an account lands after signing in: a grid inspector alone on its phone pages (/m/cases),
// everyone else on the home page.
import type { Permission, Role } from '@/api/types';
import { isInspectorOnly } from '@/views/cases/utils/cases';

export function landingPath(roles: readonly Role[], perms: readonly Permission[]): string {
  return isInspectorOnly(roles) && perms.includes('case.report') ? '/m/cases' : '/home';
}
