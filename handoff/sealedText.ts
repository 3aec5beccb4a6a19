import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Prefix of a sealed text, so a later format can be told apart. */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts the original of a redacted transcript line at rest (AES-256-GCM) so that only the
 * reveal route can read it: a copy of `handoff.sqlite` without `secrets.json` shows redacted
 * text only. The line's conversation is bound in as associated data, so a sealed text moved to
 * another conversation's line does not open.
 */
export class TextSeal {
  private key: Buffer | undefined;

  /** `secret` is called once, on first use (the CLI, which never seals, never creates it). */
  constructor(private readonly secret: () => string) {}

  /** `plain` encrypted for the conversation `context`, as one printable string. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyBytes(), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url')}`;
  }

  /**
   * The text sealed for `context`.
   * @throws Error when it was sealed with another key or for another conversation, or was altered.
   */
  open(sealed: string, context: string): string {
    const [version, payload] = sealed.split('.');
    if (version !== VERSION || payload === undefined) {
      throw new Error(`TextSeal.open(): unknown sealed-text format "${version ?? ''}"`);
    }
    const bytes = Buffer.from(payload, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.keyBytes(), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error(
        'TextSeal.open(): the text does not open with this key for this conversation (was secrets.json replaced?)',
      );
    }
  }

  private keyBytes(): Buffer {
    // A hash, so an operator-chosen secret of any length makes a 256-bit key.
    this.key ??= createHash('sha256').update(`switchboard transcript seal\0${this.secret()}`).digest();
    return this.key;
  }
}
