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

const KIND_ORDER: OrgUnit['kind'][] = ['district', 'street', 'community', 'grid', 'department'];

/** Units in reading order: by kind (streets before departments), then code, then id. */
export function sortUnits<T extends OrgUnit>(units: T[]): T[] {
  return [...units].sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      (a.code ?? '').localeCompare(b.code ?? '') ||
      a.id - b.id,
  );
}
