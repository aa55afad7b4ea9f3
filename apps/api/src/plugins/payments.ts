import type { AddressInfo } from 'node:net';
import fp from 'fastify-plugin';
import type { PaymentProvider } from '../services/payments/provider.js';
import { createTestProvider } from '../services/payments/test-provider.js';
import { createWebhookSignature } from '../services/payments/webhook-signature.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The payment providers, by name (`test`, for now). */
    payments: ReadonlyMap<string, PaymentProvider>;
  }
}

export interface PaymentsPluginOptions {
  webhookSecret: string;
  webhookToleranceS: number;
  /** Unset: this api's own address, once it listens. */
  webhookUrl: string | undefined;
  testDelayMs: number;
  /** How overdue a test confirmation must be to be sent again (PAYMENT_TEST_RECOVERY_MS). */
  testRecoveryMs: number;
}

const TEST_WEBHOOK_PATH = '/v1/payments/webhooks/test';
/** How often each instance looks for test payments whose confirmation never came (its instance stopped first). */
const TEST_RECOVERY_EVERY_MS = 2_000;

/** The payment providers and their webhook signatures; pending deliveries stop when the app closes. */
export default fp<PaymentsPluginOptions>(
  async (fastify, options) => {
    const ownUrl = (): string | undefined => {
      const address = fastify.server.address() as AddressInfo | string | null;
      if (address === null || typeof address === 'string') return undefined;
      const host = address.family === 'IPv6' ? (address.address === '::' ? '[::1]' : `[${address.address}]`) : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
      return `http://${host}:${address.port}${TEST_WEBHOOK_PATH}`;
    };
    const test = createTestProvider({
      signature: createWebhookSignature({ secret: options.webhookSecret, toleranceS: options.webhookToleranceS }),
      webhookUrl: () => options.webhookUrl ?? ownUrl(),
      delayMs: options.testDelayMs,
      log: fastify.log.child({ component: 'payments:test' }),
      recovery: { pool: fastify.db, everyMs: TEST_RECOVERY_EVERY_MS, graceMs: options.testRecoveryMs },
    });
    fastify.decorate('payments', new Map([[test.name, test]]));
    fastify.addHook('onClose', async () => test.close());
  },
  { name: 'payments', dependencies: ['db'] },
);
