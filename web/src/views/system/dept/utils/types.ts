import type { OrgUnit } from '@/api/types';

/** A row of the lazy tree table. */
export type OrgRow = OrgUnit & { hasChildren: boolean };

export function toRow(u: OrgUnit): OrgRow {
  return { ...u, hasChildren: u.kind !== 'grid' };
}

/** Kinds a child of `parent` may have (the server's placement rule). */
export function childKinds(parent: OrgUnit | null): OrgUnit['kind'][] {
  if (!parent) return ['district', 'department'];
  switch (parent.kind) {
    case 'district':
      return ['street', 'department'];
    case 'street':
      return ['community'];
    case 'community':
      return ['grid'];
    case 'department':
      return ['department'];
    default:
      return [];
  }
}
