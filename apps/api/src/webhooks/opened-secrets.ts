import type { SecretSealer } from './secret-sealer.js';

export interface OpenedSecret {
  secret: string;
  /** The secret before a rotation, while its grace period lasts. */
  previous: string | null;
}

interface Entry extends OpenedSecret {
  sealed: string;
  sealedPrevious: string | null;
}

/**
 * Each endpoint's signing secrets, opened once per sealed value rather than once per message. An entry
 * is used only while the endpoint still stores exactly what was opened, so a rotation or a re-seal is
 * seen at the next message. A failure to open is not kept: it is the delivery's failure, every time.
 */
export class OpenedSecrets {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly sealer: SecretSealer) {}

  open(endpointId: string, sealed: string, sealedPrevious: string | null): OpenedSecret {
    const known = this.entries.get(endpointId);
    if (known !== undefined && known.sealed === sealed && known.sealedPrevious === sealedPrevious) return known;
    const entry: Entry = {
      sealed,
      sealedPrevious,
      secret: this.sealer.open(sealed, endpointId),
      previous: sealedPrevious === null ? null : this.sealer.open(sealedPrevious, endpointId),
    };
    this.entries.set(endpointId, entry);
    return entry;
  }

  /** Forgets the endpoints not in `ids` (deleted or disabled). */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.entries.keys()) if (!ids.has(id)) this.entries.delete(id);
  }
}
