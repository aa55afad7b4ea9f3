import { bearer, http, type HttpResult } from '../launch/http.js';

export interface IfMatchRaceOptions {
  apiUrls: readonly string[];
  apiKey: string;
  productId: string;
  /** The version every writer names in If-Match. */
  version: number;
  writers: number;
  /** The price writer `i` asks for, so the winner can be told apart in the stored row. */
  priceOf: (writer: number) => number;
}

export interface IfMatchAttempt {
  writer: number;
  priceMinor: number;
  result: HttpResult;
}

/** `writers` PATCHes of the same product, all naming the same version, sent at once across the instances. */
export async function raceIfMatchUpdates(options: IfMatchRaceOptions): Promise<IfMatchAttempt[]> {
  return Promise.all(
    Array.from({ length: options.writers }, async (_, writer): Promise<IfMatchAttempt> => {
      const priceMinor = options.priceOf(writer);
      const url = `${options.apiUrls[writer % options.apiUrls.length]}/v1/products/${options.productId}`;
      const result = await http(url, {
        method: 'PATCH',
        headers: { ...bearer(options.apiKey), 'if-match': `"${options.version}"` },
        body: { priceMinor },
      });
      return { writer, priceMinor, result };
    }),
  );
}
