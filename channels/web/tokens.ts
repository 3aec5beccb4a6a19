import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { secretsEqual } from '../../bot/secretsEqual';

/** Lifetime of a Direct Line token; clients refresh at half of it (botframework-directlinejs does every 15 min). */
export const TOKEN_LIFETIME_SECONDS = 30 * 60;

/** What a Direct Line token grants: one conversation, optionally one user id. */
export interface TokenClaims {
  /** Conversation the token is bound to. */
  conv: string;
  /** User id embedded by the issuer; the client cannot post as anyone else. */
  user?: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expires at, seconds since the epoch. */
  exp: number;
  /** What the shop's server vouches for about this customer (only the secret holder can set it). */
  customer?: TrustedCustomer;
}

/** Facts about a customer that the shop's own server vouches for when it mints a token. */
export interface TrustedCustomer {
  /**
   * Contact details the shop has verified (its logged-in customer), and the customer's name as
   * the shop knows it (shown to agents; a name typed into the page is not).
   */
  verified?: { email?: string; phone?: string; name?: string };
  /** Tags such as `vip`, which the handoff queue gives priority to. */
  tags?: string[];
}

/** Why a bearer credential was refused: not ours at all (401), or ours but not usable here (403). */
export type TokenProblem = 'unrecognized' | 'expired' | 'foreign';

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * Issues and checks Direct Line tokens: HS256 JSON Web Tokens signed with a key derived from
 * the Direct Line secret, so clients (botframework-directlinejs reads the `user` claim) can
 * decode them and nobody can forge one.
 */
export class DirectLineTokens {
  private readonly signingKey: Buffer;

  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.signingKey = createHash('sha256').update(`switchboard directline token key:${secret}`).digest();
  }

  /** True when `credential` is the Direct Line secret itself. */
  isSecret(credential: string): boolean {
    return secretsEqual(credential, this.secret);
  }

  /** A new token for `conversationId`, valid for {@link TOKEN_LIFETIME_SECONDS}. */
  issue(
    conversationId: string,
    userId?: string,
    customer?: TrustedCustomer,
  ): { token: string; expiresIn: number } {
    const iat = Math.floor(this.now() / 1000);
    const claims: TokenClaims = { conv: conversationId, iat, exp: iat + TOKEN_LIFETIME_SECONDS };
    if (userId) claims.user = userId;
    if (customer && (customer.verified || customer.tags?.length)) claims.customer = customer;
    const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
    return { token: `${unsigned}.${this.sign(unsigned)}`, expiresIn: TOKEN_LIFETIME_SECONDS };
  }

  /**
   * Checks a token. With `conversationId`, the token must be bound to it.
   * @returns the claims, or why the token is refused.
   */
  verify(token: string, conversationId?: string): TokenClaims | TokenProblem {
    const parts = token.split('.');
    if (parts.length !== 3) return 'unrecognized';
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'unrecognized';
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return 'unrecognized';
    }
    if (typeof claims.conv !== 'string' || typeof claims.exp !== 'number') return 'unrecognized';
    if (claims.exp * 1000 <= this.now()) return 'expired';
    if (conversationId !== undefined && claims.conv !== conversationId) return 'foreign';
    return claims;
  }

  private sign(data: string): string {
    return createHmac('sha256', this.signingKey).update(data).digest('base64url');
  }
}
