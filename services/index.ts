import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../bot/config';
import { DEMO_STORE_FILE, DemoStore } from './demo/demoStore';
import { RestCommerceBackend } from './rest/restCommerceBackend';
import type { Clock, CommerceBackend } from './types';

export * from './types';
export * from './errors';
export { DemoStore, DEMO_STORE_FILE } from './demo/demoStore';
export { RestCommerceBackend } from './rest/restCommerceBackend';

/**
 * Opens the backend `COMMERCE_BACKEND` names: the embedded demo store (SQLite in `DATA_DIR`,
 * seeded on first start) or the shop's REST API.
 */
export function openCommerceBackend(
  config: Pick<Config, 'dataDir' | 'commerce'>,
  deps: { clock: Clock; logger: Logger },
): CommerceBackend {
  const { commerce } = config;
  switch (commerce.backend) {
    case 'demo':
      return DemoStore.open(path.join(config.dataDir, DEMO_STORE_FILE), {
        timezone: commerce.shopTimezone,
        clock: deps.clock,
      });
    case 'rest':
      if (!commerce.apiUrl)
        throw new Error('openCommerceBackend(): COMMERCE_API_URL must be set for COMMERCE_BACKEND=rest');
      return new RestCommerceBackend({
        baseUrl: commerce.apiUrl,
        timeoutMs: commerce.apiTimeoutMs,
        logger: deps.logger.child({ component: 'commerce' }),
        ...(commerce.apiToken ? { token: commerce.apiToken } : {}),
      });
  }
}
