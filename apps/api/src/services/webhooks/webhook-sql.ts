import { randomBytes } from 'node:crypto';

/** An endpoint as the API shows it: never its secrets. */
export const WEBHOOK_ENDPOINT_COLUMNS = `
  id, url, description, event_types AS "eventTypes", topics, max_batch_size AS "maxBatchSize", enabled, disabled_reason AS "disabledReason",
  cursor_epoch AS epoch, cursor_seq AS "deliveredSeq", failing_since AS "failingSince",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** What the audit log keeps of an endpoint: never a secret. */
export const WEBHOOK_ENDPOINT_AUDIT_FIELDS = ['url', 'description', 'eventTypes', 'topics', 'maxBatchSize', 'enabled', 'disabledReason'] as const;

/** The secret prefix Standard Webhooks libraries recognise: the rest is the base64 of the key's bytes. */
const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** How long the secret a rotation replaced still signs (beside the new one), so receivers can switch over. */
export const PREVIOUS_SECRET_GRACE_HOURS = 24;
