/**
 * Child process for the demo store's cross-process race test: opens the store file given as
 * argument, says "ready", waits for "go" on stdin, books the slot, prints the outcome as JSON.
 */
import { DemoStore } from '../../services/demo/demoStore';
import { SlotTakenError } from '../../services/errors';

const [file, start, key] = process.argv.slice(2);
if (!file || !start || !key) throw new Error('usage: bookSlotProcess <file> <start> <idempotencyKey>');
const store = DemoStore.open(file, {
  timezone: 'Europe/Madrid',
  clock: { now: () => new Date('2025-06-11T08:00:00Z') },
});
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  store
    .book({ idempotencyKey: key, serviceId: 'boot-fitting', start, contact: { email: `${key}@example.com` } })
    .then(
      (booking) => process.stdout.write(JSON.stringify({ booked: booking.reference }) + '\n'),
      (error: unknown) =>
        process.stdout.write(
          JSON.stringify({ taken: error instanceof SlotTakenError, error: String(error) }) + '\n',
        ),
    )
    .finally(() => {
      store.close();
      process.stdin.destroy();
    });
});
