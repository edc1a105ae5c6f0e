// The three-admin separation as the role picker applies it (the server checks the same).
import { ADMIN_ROLES, type Role } from '@/api/types';

/** Whether `role` can be ticked next to the roles already chosen. */
export function roleSelectable(chosen: readonly Role[], role: Role): boolean {
  if (chosen.includes(role)) return true;
  const hasAdmin = chosen.some((r) => ADMIN_ROLES.includes(r));
  if (hasAdmin) return false; // an admin role stands alone
  if (ADMIN_ROLES.includes(role)) return chosen.length === 0; // no admin role next to business roles
  return true;
}

/** Whether a set of roles satisfies the separation: one admin role alone, or business roles only. */
export function rolesValid(roles: readonly Role[]): boolean {
  if (roles.length === 0) return false;
  const admins = roles.filter((r) => ADMIN_ROLES.includes(r)).length;
  return admins === 0 || (admins === 1 && roles.length === 1);
}

/** A strong random password that meets the default policy (12+ chars, 4 classes). */
export function generatePassword(length = 16): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#$%^&*-_=+?'];
  const all = sets.join('');
  const rnd = new Uint32Array(length);
  crypto.getRandomValues(rnd);
  const chars = Array.from(rnd, (n, i) => (i < sets.length ? sets[i][n % sets[i].length] : all[n % all.length]));
  // shuffle so the guaranteed classes are not always first
  const mix = new Uint32Array(length);
  crypto.getRandomValues(mix);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = mix[i] % (i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
