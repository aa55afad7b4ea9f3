import { WebhookEndpointWithSecretSchema, type WebhookEndpointCreateInput } from '@livecart/schemas';

export interface RegisteredEndpoint {
  id: string;
  url: string;
  secret: string;
}

/** Registers one endpoint per URL through the API, as an integrator would (a `webhooks:manage` key). */
export async function registerEndpoints(options: {
  apiUrl: string;
  apiKey: string;
  urls: string[];
  eventTypes: WebhookEndpointCreateInput['eventTypes'];
  maxBatchSize: number;
}): Promise<RegisteredEndpoint[]> {
  const registered: RegisteredEndpoint[] = [];
  for (const [index, url] of options.urls.entries()) {
    const body: WebhookEndpointCreateInput = { url, description: `bench receiver ${index}`, eventTypes: options.eventTypes, maxBatchSize: options.maxBatchSize };
    const response = await fetch(`${options.apiUrl}/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`POST /v1/webhook-endpoints answered ${response.status}: ${text.slice(0, 300)}`);
    const endpoint = WebhookEndpointWithSecretSchema.parse(JSON.parse(text));
    registered.push({ id: endpoint.id, url: endpoint.url, secret: endpoint.secret });
  }
  return registered;
}

export async function deleteEndpoints(options: { apiUrl: string; apiKey: string; endpoints: RegisteredEndpoint[] }): Promise<void> {
  for (const endpoint of options.endpoints) {
    const response = await fetch(`${options.apiUrl}/v1/webhook-endpoints/${endpoint.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${options.apiKey}` } });
    await response.body?.cancel();
    if (response.status !== 204 && response.status !== 404) throw new Error(`DELETE /v1/webhook-endpoints/${endpoint.id} answered ${response.status}`);
  }
}
