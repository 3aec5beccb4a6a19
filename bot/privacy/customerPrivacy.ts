import type { CustomerIdentity } from './customerIdentity';
import type { CustomerStore } from './customerStores';
import { auditedErasure, eraseCustomer, type CustomerErasure } from './eraseCustomer';
import { auditedExport, exportCustomer, type CustomerExport } from './exportCustomer';

/** Appends to the audit log (the handoff store's): who did what, with details. */
export type AuditWriter = (actor: string, action: string, detail: Record<string, unknown>) => void;

/** The audit actions of the privacy tools. */
export const CUSTOMER_EXPORTED = 'customerExported';
export const CUSTOMER_ERASED = 'customerErased';

/**
 * A customer's data across every store, for the CLI and the console API: export and erase,
 * each audited (who, when, the identity by kind and SHA-256, how many records), also when
 * nothing was found.
 */
export class CustomerPrivacy {
  constructor(
    readonly stores: readonly CustomerStore[],
    private readonly audit: AuditWriter,
    private readonly now: () => number = Date.now,
  ) {}

  async export(identity: CustomerIdentity, actor: string): Promise<CustomerExport> {
    const document = await exportCustomer(identity, this.stores, this.now);
    this.audit(actor, CUSTOMER_EXPORTED, auditedExport(document));
    return document;
  }

  async erase(identity: CustomerIdentity, actor: string): Promise<CustomerErasure> {
    const erasure = await eraseCustomer(identity, this.stores);
    this.audit(actor, CUSTOMER_ERASED, auditedErasure(identity, erasure));
    return erasure;
  }
}
