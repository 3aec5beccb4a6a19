import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a signed link was refused. */
export type LinkProblem = 'invalid' | 'expired';

/**
 * Signs and checks expiring links to files the bot serves without a login (return labels,
 * calendar files, uploads shown in the web chat): `?expires=<unix seconds>&signature=<HMAC>`
 * over the path and the expiry.
 */
export class LinkSigner {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The query string (without `?`) that makes `path` valid for `ttlSeconds`. */
  sign(path: string, ttlSeconds: number): string {
    const expires = Math.floor(this.now() / 1000) + ttlSeconds;
    return `expires=${expires}&signature=${this.signature(path, expires)}`;
  }

  /** Checks the `expires` and `signature` query values for `path`. */
  verify(path: string, expires: unknown, signature: unknown): true | LinkProblem {
    if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d+$/.test(expires))
      return 'invalid';
    const expected = Buffer.from(this.signature(path, Number(expires)));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    if (Number(expires) * 1000 <= this.now()) return 'expired';
    return true;
  }

  private signature(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('base64url');
  }
}
