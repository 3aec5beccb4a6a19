import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../bot/config';
import type { SharedDatabase } from '../bot/database';
import { DEMO_STORE_FILE, DemoStore } from './demo/demoStore';
import { RestCommerceBackend } from './rest/restCommerceBackend';
import type { Clock, CommerceBackend } from './types';

export * from './types';
export * from './errors';
export { DemoStore, DEMO_STORE_FILE } from './demo/demoStore';
export { RestCommerceBackend } from './rest/restCommerceBackend';

/**
 * Opens the backend `COMMERCE_BACKEND` names: the embedded demo store (seeded on first start; in
 * `database`, the one instances share, when there is one, else SQLite in `DATA_DIR`) or the
 * shop's REST API.
 */
export function openCommerceBackend(
  config: Pick<Config, 'dataDir' | 'commerce'>,
  deps: { clock: Clock; logger: Logger; database?: SharedDatabase },
): CommerceBackend {
  const { commerce } = config;
  switch (commerce.backend) {
    case 'demo': {
      const options = { timezone: commerce.shopTimezone, clock: deps.clock };
      return deps.database
        ? DemoStore.inDatabase(deps.database, options)
        : DemoStore.open(path.join(config.dataDir, DEMO_STORE_FILE), options);
    }
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
