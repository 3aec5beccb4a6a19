/** A file a channel sends as a document: where its bytes are and what to call it. */
export interface DocumentSource {
  /** `http(s):` or `data:` URL of the bytes. */
  url: string;
  fileName: string;
}

export interface DocumentLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** A link as it may be logged: origin and path, never the query (download links carry a signature). */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'data:' ? 'a data: URL' : `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}

function decodeDataUrl(url: string): Buffer {
  const match = /^data:([^,]*),(.*)$/s.exec(url);
  if (!match) throw new Error('malformed data: URL');
  const [, meta = '', data = ''] = match;
  return meta.split(';').includes('base64')
    ? Buffer.from(data, 'base64')
    : Buffer.from(decodeURIComponent(data), 'utf8');
}

/**
 * The bytes of a document the bot sends, for a channel to upload them.
 *
 * NOTE: channels upload the bytes (Telegram multipart, WhatsApp `/media` or a `MessageMedia`)
 * instead of giving the platform the link: Telegram fetches links for PDF, ZIP and GIF only (not
 * `.ics` calendar files), and a self-hosted bot's `PUBLIC_URL` is often not reachable from the
 * platform's servers while this process can reach it.
 * @param caller the method the error messages name (`TelegramAdapter.sendActivities()`).
 * @throws naming the document and where it was to come from (without the link's signature).
 */
export async function fetchDocument(
  document: DocumentSource,
  limits: DocumentLimits,
  caller: string,
): Promise<Buffer> {
  const where = `document ${document.fileName} from ${shown(document.url)}`;
  let bytes: Buffer;
  try {
    if (document.url.startsWith('data:')) {
      bytes = decodeDataUrl(document.url);
    } else if (/^https?:/i.test(document.url)) {
      const response = await fetch(document.url, { signal: AbortSignal.timeout(limits.timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const length = Number(response.headers.get('content-length') ?? 0);
      if (length > limits.maxBytes)
        throw new Error(`${length} bytes is over the ${limits.maxBytes}-byte limit`);
      bytes = Buffer.from(await response.arrayBuffer());
    } else {
      throw new Error('only http(s) and data: URLs can be sent');
    }
  } catch (error) {
    throw new Error(`${caller}: ${where} could not be read: ${(error as Error).message}`, { cause: error });
  }
  if (bytes.length > limits.maxBytes) {
    throw new Error(`${caller}: ${where} is ${bytes.length} bytes, over the ${limits.maxBytes}-byte limit`);
  }
  return bytes;
}
