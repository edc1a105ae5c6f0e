// The event chain (操作日誌, 登錄日誌) and its verification.
import { request } from './http';
import type { AuditEvent, Page, VerifyReport } from './types';

export interface EventQuery {
  actor_id?: number;
  /** Exact action, or a prefix ending in '.' (e.g. "auth."). */
  action?: string;
  object_type?: string;
  object_id?: number;
  /** RFC 3339 with offset. */
  since?: string;
  until?: string;
  page?: number;
  per_page?: number;
}

/** GET /events, newest first. */
export function listEvents(query: EventQuery = {}): Promise<Page<AuditEvent>> {
  return request('GET', '/events', { query: { ...query } });
}

/** GET /events/{seq}. */
export function getEvent(seq: number): Promise<AuditEvent> {
  return request('GET', `/events/${seq}`);
}

/** POST /audit/verify: walks the whole chain. */
export function verifyChain(): Promise<VerifyReport> {
  return request('POST', '/audit/verify');
}
