import { LinkSigner } from '../bot/signedLinks';
import type { Clock } from './types';

/** How long a download link the bot sends stays valid: a week, time to print a label. */
export const DOWNLOAD_LINK_TTL_SECONDS = 7 * 24 * 60 * 60;

export type LinkCheck = 'valid' | 'expired' | 'invalid';

/** The locale is signed with the path, so a link renders the file in the language it was sent in. */
function signedPart(path: string, locale: string): string {
  return `${path}\n${locale}`;
}

/**
 * Absolute, signed, expiring links to the files the bot serves without a login (return labels,
 * calendar files): `<PUBLIC_URL><path>?locale=…&expires=…&signature=…`, an HMAC-SHA256 (see
 * {@link LinkSigner}) with a secret kept in `DATA_DIR`.
 */
export class DownloadLinks {
  private readonly signer: LinkSigner;

  constructor(
    secret: string,
    private readonly publicUrl: string,
    clock: Clock,
    private readonly ttlSeconds = DOWNLOAD_LINK_TTL_SECONDS,
  ) {
    this.signer = new LinkSigner(secret, () => clock.now().getTime());
  }

  /** A link to `path` (starting with `/`) for a file rendered in `locale`. */
  sign(path: string, locale: string): string {
    const query = this.signer.sign(signedPart(path, locale), this.ttlSeconds);
    return `${this.publicUrl}${path}?locale=${encodeURIComponent(locale)}&${query}`;
  }

  /** Checks a request's query for `path`; the signature is compared in constant time. */
  check(path: string, query: URLSearchParams): LinkCheck {
    const result = this.signer.verify(
      signedPart(path, query.get('locale') ?? ''),
      query.get('expires') ?? undefined,
      query.get('signature') ?? undefined,
    );
    return result === true ? 'valid' : result;
  }
}
