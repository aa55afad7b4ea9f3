import { sharedTagManifest } from '@/cache-handlers/tag-manifest';
import { ALL_PRODUCTS_TAG, productTag } from '@/lib/cache-tags';

/** Longest a verdict is trusted without an event (as long as a cached product page lives). */
export const EXISTENCE_MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Whether a product exists, as last checked, until an event about it expires its cache tag (the same
 * tag manifest that expires its cached page), so a created or deleted product is re-checked at once.
 * Bounded: the oldest verdicts go first.
 */
export class ExistenceCache {
  private readonly verdicts = new Map<string, { exists: boolean; checkedAt: number }>();

  get(id: string, now = Date.now()): boolean | undefined {
    const verdict = this.verdicts.get(id);
    if (verdict === undefined) return undefined;
    const expired = now - verdict.checkedAt > EXISTENCE_MAX_AGE_MS || sharedTagManifest().isExpired([productTag(id), ALL_PRODUCTS_TAG], verdict.checkedAt, now);
    if (expired) {
      this.verdicts.delete(id);
      return undefined;
    }
    return verdict.exists;
  }

  set(id: string, exists: boolean, checkedAt: number): void {
    this.verdicts.delete(id);
    this.verdicts.set(id, { exists, checkedAt });
    if (this.verdicts.size > MAX_ENTRIES) this.verdicts.delete(this.verdicts.keys().next().value!);
  }
}
