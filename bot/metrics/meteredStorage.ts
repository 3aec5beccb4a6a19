import type { Storage, StoreItems } from 'botbuilder';
import { ETagConflictError } from '../storage/etagConflict';
import type { SwitchboardMetrics } from './registry';

/** A {@link Storage} that counts its failures in `switchboard_storage_errors_total`. */
export class MeteredStorage implements Storage {
  constructor(
    private readonly inner: Storage,
    private readonly metrics: SwitchboardMetrics,
    private readonly store = 'state',
  ) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.count('read', () => this.inner.read(keys));
  }

  write(changes: StoreItems): Promise<void> {
    return this.count('write', () => this.inner.write(changes));
  }

  delete(keys: string[]): Promise<void> {
    return this.count('delete', () => this.inner.delete(keys));
  }

  private async count<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      // A conflict is concurrency control doing its job, not a broken store.
      if (!(error instanceof ETagConflictError))
        this.metrics.storageErrors.inc({ store: this.store, operation });
      throw error;
    }
  }
}
