import type { Actor, AuditEntry, AuditListQuery, AuditPage } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';
import { decodeAuditCursor, encodeAuditCursor } from '../../domain/audit-cursor.js';
import { listingFingerprint } from '../../domain/cursor.js';
import { BadRequestError } from '../../domain/errors.js';

export interface ListAuditEntriesOptions {
  db: Queryable;
  query: AuditListQuery;
}

interface AuditRow extends Omit<AuditEntry, 'actor'> {
  actorType: Actor['type'];
  actorId: string | null;
  actorName: string;
}

/** Users, keys and customers are named by id; guests and the system have none (one actor type each). */
function checkActorFilter(query: AuditListQuery): void {
  const { actorType, actorId } = query;
  if (actorId !== undefined && actorType === undefined) {
    throw new BadRequestError('actorId needs actorType', [{ field: 'query.actorType', message: 'is required with actorId' }]);
  }
  const needsId = actorType === 'user' || actorType === 'api_key' || actorType === 'customer';
  if (needsId && actorId === undefined) {
    throw new BadRequestError(`an actor of type ${actorType} is named by its id`, [{ field: 'query.actorId', message: `is required with actorType ${actorType}` }]);
  }
  if (!needsId && actorType !== undefined && actorId !== undefined) {
    throw new BadRequestError(`an actor of type ${actorType} has no id`, [{ field: 'query.actorId', message: `must not be given with actorType ${actorType}` }]);
  }
}

/**
 * Audit entries, newest first, keyset-paginated on the entry id: a page starts strictly below the previous
 * page's last id, so entries written meanwhile (always with higher ids) neither repeat nor shift a page.
 * The event seq comes from the entry once the relay copied it, from the outbox row until then.
 */
export async function listAuditEntries(options: ListAuditEntriesOptions): Promise<AuditPage> {
  const { cursor, limit, ...filters } = options.query;
  checkActorFilter(options.query);
  const fingerprint = listingFingerprint(filters);
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const where: string[] = [];
  if (filters.productId !== undefined) where.push(`a.subject_type = 'product' AND a.subject_id = ${param(filters.productId)}`);
  if (filters.actorType !== undefined) {
    where.push(`a.actor_type = ${param(filters.actorType)}`);
    where.push(filters.actorId === undefined ? 'a.actor_id IS NULL' : `a.actor_id = ${param(filters.actorId)}`);
  }
  if (cursor !== undefined) where.push(`a.id < ${param(decodeAuditCursor(cursor, fingerprint))}`);

  const { rows } = await options.db.query<AuditRow>(
    `SELECT a.id, a.action, json_build_object('type', a.subject_type, 'id', a.subject_id) AS subject, a.change,
            a.actor_type AS "actorType", a.actor_id AS "actorId", a.actor_name AS "actorName",
            a.occurred_at AS at, coalesce(a.event_seq, o.seq) AS "eventSeq"
     FROM audit_log a LEFT JOIN outbox o ON a.event_seq IS NULL AND o.id = a.outbox_id
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY a.id DESC
     LIMIT ${param(limit + 1)}`,
    values,
  );
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const items = page.map(({ actorType, actorId, actorName, ...entry }): AuditEntry => ({ ...entry, actor: { type: actorType, id: actorId, name: actorName } as Actor }));
  const last = items.at(-1);
  return { items, nextCursor: hasMore && last !== undefined ? encodeAuditCursor(fingerprint, last.id) : null };
}
