import fs from 'node:fs';
import os from 'node:os';
import { loadConfig } from '../config';
import { parseCustomerIdentity } from './customerIdentity';
import { openCustomerStores } from './openCustomerStores';

/** Who runs the command, in the audit log: `cli:` and the operating-system user. */
function cliActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * `customers export|erase --email E | --phone P | --channel-user CHANNEL:ID [--out FILE]`.
 * Exit codes: 0 done, 1 nothing held about the customer (export) or a store cannot be opened,
 * 2 usage.
 */
export async function customersCommand(
  args: string[],
  options: { email?: string; phone?: string; 'channel-user'?: string; out?: string },
  usageText: string,
): Promise<number> {
  const [action, ...extra] = args;
  const usage = (message: string): number => {
    process.stderr.write(`cli customers: ${message}\n\n${usageText}`);
    return 2;
  };
  if (action !== 'export' && action !== 'erase') return usage('name an action: export or erase');
  if (extra.length > 0) return usage(`unexpected arguments: ${extra.join(' ')}`);
  if (action === 'erase' && options.out !== undefined) return usage('--out is for export only');
  const identity = parseCustomerIdentity({
    email: options.email,
    phone: options.phone,
    channelUser: options['channel-user'],
  });
  if (typeof identity === 'string') {
    return usage(identity.replace('email, phone or channel user', '--email, --phone or --channel-user'));
  }

  const opened = await openCustomerStores(loadConfig());
  if (typeof opened === 'string') {
    process.stderr.write(`cli customers ${action}: ${opened}\n`);
    return 1;
  }
  try {
    if (action === 'erase') {
      const erasure = await opened.privacy.erase(identity, cliActor());
      process.stdout.write(
        `${JSON.stringify({ erased: erasure.erased, details: erasure.details, total: erasure.total })}\n`,
      );
      process.stderr.write(`erased ${erasure.total} record(s); the audit log has the entry\n`);
      return 0;
    }
    const document = await opened.privacy.export(identity, cliActor());
    if (document.total === 0) {
      process.stderr.write('cli customers export: Switchboard holds no data about that customer\n');
      return 1;
    }
    const text = `${JSON.stringify(document, null, 2)}\n`;
    if (options.out === undefined) process.stdout.write(text);
    else {
      // The export is personal data: readable by its owner only.
      fs.writeFileSync(options.out, text, { mode: 0o600 });
      process.stderr.write(`wrote ${document.total} record(s) to ${options.out}\n`);
    }
    return 0;
  } finally {
    await opened.close();
  }
}
