// Organisation units (部門管理).
import { request } from './http';
import type { OrgImportResult, OrgKind, OrgUnit, Page } from './types';

export interface OrgListQuery {
  /** null: roots only; undefined: any parent. */
  parent_id?: number | null;
  /** the units below this one, at any depth (a street's grids) */
  under?: number;
  kind?: OrgKind | '';
  q?: string;
  active?: boolean;
  page?: number;
  per_page?: number;
}

/** GET /org-units (within the caller's scope). */
export function listOrgUnits(query: OrgListQuery = {}, opts: { silent?: boolean } = {}): Promise<Page<OrgUnit>> {
  return request('GET', '/org-units', { query: { ...query }, silent: opts.silent });
}

/** GET /org-units/{id}; 404 outside the caller's scope. */
export function getOrgUnit(id: number, opts: { silent?: boolean } = {}): Promise<OrgUnit> {
  return request('GET', `/org-units/${id}`, { silent: opts.silent });
}

/** POST /org-units. */
export function createOrgUnit(body: {
  parent_id: number | null;
  kind: OrgKind;
  name: string;
  code?: string | null;
}): Promise<OrgUnit> {
  return request('POST', '/org-units', { json: body });
}

/** PATCH /org-units/{id}; `version` makes it conditional (409 when stale). */
export function updateOrgUnit(
  id: number,
  body: { name?: string; code?: string | null; kind?: OrgKind; version?: number },
): Promise<OrgUnit> {
  return request('PATCH', `/org-units/${id}`, { json: body });
}

/** POST /org-units/{id}/move: the subtree goes with it. */
export function moveOrgUnit(id: number, parent_id: number | null): Promise<OrgUnit> {
  return request('POST', `/org-units/${id}/move`, { json: { parent_id } });
}

/** POST /org-units/{id}/deactivate. */
export function deactivateOrgUnit(id: number): Promise<OrgUnit> {
  return request('POST', `/org-units/${id}/deactivate`);
}

/** POST /org-units/import (text/csv: code,name,kind,parent_code). A 422 carries error.rows. */
export function importOrgUnits(csv: string, dryRun: boolean): Promise<OrgImportResult> {
  return request('POST', '/org-units/import', {
    query: { dry_run: dryRun ? 'true' : undefined },
    text: { body: csv, contentType: 'text/csv; charset=utf-8' },
    silent: true,
  });
}
