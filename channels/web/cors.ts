import type { Next, Request, Response } from 'restify';

const CORS_PATHS = ['/v3/directline', '/api/directline'];

/**
 * CORS for the Direct Line endpoint, so a shop can embed the chat on its own site: requests
 * from an allowed origin get `Access-Control-Allow-Origin`, preflights are answered here (the
 * client sends `Authorization` and `x-ms-bot-agent`), and a preflight from any other origin
 * gets 403 naming the setting to change. Same-origin requests need none of this.
 */
export function directLineCors(allowedOrigins: string[]) {
  const anyOrigin = allowedOrigins.includes('*');
  return (req: Request, res: Response, next: Next): void => {
    const path = req.path();
    if (!CORS_PATHS.some((prefix) => path.startsWith(prefix))) return next();
    const origin = req.headers.origin;
    const allowed = origin !== undefined && (anyOrigin || allowedOrigins.includes(origin));
    if (allowed) {
      res.header('Access-Control-Allow-Origin', origin);
      res.header('Vary', 'Origin');
      res.header('Access-Control-Expose-Headers', 'Retry-After');
    }
    if (req.method !== 'OPTIONS') return next();
    if (!allowed) {
      res.send(403, {
        code: 'Forbidden',
        message: `origin ${origin ?? '(none)'} may not call this endpoint; add it to DIRECTLINE_ALLOWED_ORIGINS`,
      });
      return next(false);
    }
    res.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.header(
      'Access-Control-Allow-Headers',
      'Authorization, Content-Type, x-ms-bot-agent, x-requested-with',
    );
    res.header('Access-Control-Max-Age', '600');
    res.send(204);
    return next(false);
  };
}
