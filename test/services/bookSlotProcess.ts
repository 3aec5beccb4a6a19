/**
 * Child process for the demo store's cross-process race test: opens the store file given as
 * argument, says "ready", waits for "go" on stdin, books the slot, prints the outcome as JSON.
 */
import { DemoStore } from '../../services/demo/demoStore';
import { SlotTakenError } from '../../services/errors';

const [file, start, key] = process.argv.slice(2);
if (!file || !start || !key) throw new Error('usage: bookSlotProcess <file> <start> <idempotencyKey>');

async function main(file: string, start: string, key: string): Promise<void> {
  const store = DemoStore.open(file, {
    timezone: 'Europe/Madrid',
    clock: { now: () => new Date('2025-06-11T08:00:00Z') },
  });
  await store.ready;
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  try {
    const booking = await store.book({
      idempotencyKey: key,
      serviceId: 'boot-fitting',
      start,
      contact: { email: `${key}@example.com` },
    });
    process.stdout.write(JSON.stringify({ booked: booking.reference }) + '\n');
  } catch (error) {
    process.stdout.write(
      JSON.stringify({ taken: error instanceof SlotTakenError, error: String(error) }) + '\n',
    );
  } finally {
    await store.close();
    process.stdin.destroy();
  }
}

main(file, start, key).catch((error: unknown) => {
  process.stderr.write(`bookSlotProcess: ${String(error)}\n`);
  process.exitCode = 1;
});
