import fs from 'node:fs';
import path from 'node:path';
import type { i18n } from 'i18next';
import restify, { type Next, type Request, type Response } from 'restify';
import { resolveLocale, translator } from '../../bot/i18n';
import type { SupportedLocale } from '../../bot/config';
import type { DirectLineSettings } from './settings';

/**
 * The official Web Chat bundle, served from node_modules so the page works offline.
 * NOTE: the package's `exports` hide `dist/`, so it is found next to the package's main file.
 */
const WEBCHAT_BUNDLE = path.join(
  path.dirname(require.resolve('botframework-webchat')),
  '..',
  'dist',
  'webchat.js',
);

export interface WebChatPageDeps {
  i18n: i18n;
  locales: readonly string[];
  defaultLocale: SupportedLocale;
  settings: DirectLineSettings;
}

/** Locales a browser asks for, most preferred first (`Accept-Language`). */
export function acceptedLocales(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find((value) => value !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** JSON that is safe inside a <script> element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** Everything the page needs in each locale, so the language picker switches without a reload. */
function pageTexts(deps: WebChatPageDeps): Record<string, Record<string, string>> {
  return Object.fromEntries(
    deps.locales.map((locale) => {
      const t = translator(deps.i18n, locale);
      return [
        locale,
        {
          title: t('chatPage.title', { botName: deps.settings.botName }),
          languageLabel: t('chatPage.languageLabel'),
          connecting: t('chatPage.connecting'),
          connectionFailed: t('chatPage.connectionFailed'),
          // NOTE: filled in the browser with each agent's name ({{agentName}} stays for it).
          agentSender: t('chatPage.agentSender', { agentName: '{{agentName}}' }),
          languageName: t(`language.names.${locale}` as Parameters<typeof t>[0]),
        },
      ];
    }),
  );
}

/** The page's own script: gets a token, starts or resumes the conversation, renders Web Chat. */
const PAGE_SCRIPT = `
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('switchboard-config').textContent);
  var picker = document.getElementById('language');
  var status = document.getElementById('status');
  var chat = document.getElementById('webchat');
  var SESSION_KEY = 'switchboard.session';
  // Tokens live 30 minutes; a session older than this starts a new conversation.
  var SESSION_REUSE_MS = 20 * 60 * 1000;
  var directLine = null;

  function texts(locale) { return config.texts[locale] || config.texts[config.defaultLocale]; }

  function showTexts(locale) {
    var t = texts(locale);
    document.documentElement.lang = locale;
    document.title = t.title;
    document.getElementById('title').textContent = t.title;
    document.getElementById('language-label').textContent = t.languageLabel;
  }

  function session() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
      if (saved && Date.now() - saved.issuedAt < SESSION_REUSE_MS) return Promise.resolve(saved);
    } catch (e) { /* no usable saved session */ }
    return fetch('/api/directline/token', { method: 'POST' }).then(function (response) {
      if (!response.ok) throw new Error('token request failed: ' + response.status);
      return response.json();
    }).then(function (issued) {
      issued.issuedAt = Date.now();
      try { sessionStorage.setItem(SESSION_KEY, JSON.stringify(issued)); } catch (e) { /* private mode */ }
      return issued;
    });
  }

  /** The agent who wrote an activity (the server gives agents' replies a sender id agent:…). */
  function agentOf(activity) {
    var from = activity && activity.from;
    return from && typeof from.id === 'string' && from.id.indexOf('agent:') === 0 && from.name ? from : undefined;
  }

  function initialsOf(name) {
    return name.split(/\\s+/).filter(Boolean).map(function (word) { return word.charAt(0); }).join('').slice(0, 2).toUpperCase();
  }

  /**
   * A React element of another type and props, made from one Web Chat rendered.
   * NOTE: the Web Chat bundle keeps its React to itself and its middleware must return React
   * elements, so new ones are copied from the elements it gives us (the same React marks them).
   */
  function elementLike(element, type, props, key) {
    return Object.assign({}, element, { type: type, key: key === undefined ? null : key, props: props });
  }

  /** Agents' replies get the agent's initials instead of the bot's. */
  function avatarMiddleware() {
    return function (next) {
      return function (args) {
        var agent = agentOf(args.activity);
        var render = next(args);
        if (!agent || !render) return render;
        return function () {
          var name = texts(locale).agentSender.replace('{{agentName}}', agent.name);
          return elementLike(render(), 'div', {
            className: 'agent-avatar', role: 'img', 'aria-label': name, title: name, children: initialsOf(agent.name)
          });
        };
      };
    };
  }

  /** Under an agent's replies, who wrote them: "Ana García (agent)", then the time. */
  function activityStatusMiddleware() {
    return function (next) {
      return function (args) {
        var agent = agentOf(args.activity);
        var status = next(args);
        if (!agent || !status) return status;
        var name = texts(locale).agentSender.replace('{{agentName}}', agent.name);
        return elementLike(status, 'span', {
          className: 'agent-status',
          children: [elementLike(status, 'span', { className: 'agent-name', children: name + ' · ' }, 'name'),
            Object.assign({}, status, { key: 'status' })]
        });
      };
    };
  }

  /**
   * Web Chat groups consecutive messages by role (bot or user), showing one avatar per group;
   * an agent's replies form groups of their own, so they get the agent's avatar.
   */
  function groupActivitiesMiddleware() {
    return function (next) {
      return function (args) {
        var groups = next(args);
        if (!groups || !groups.sender) return groups;
        var bySender = [];
        groups.sender.forEach(function (group) {
          var current = [];
          group.forEach(function (activity) {
            var last = current[current.length - 1];
            if (last && (last.from && last.from.id) !== (activity.from && activity.from.id)) {
              bySender.push(current);
              current = [];
            }
            current.push(activity);
          });
          if (current.length) bySender.push(current);
        });
        return Object.assign({}, groups, { sender: bySender });
      };
    };
  }

  function render(locale) {
    showTexts(locale);
    window.WebChat.renderWebChat({
      directLine: directLine,
      locale: locale,
      avatarMiddleware: avatarMiddleware,
      activityStatusMiddleware: activityStatusMiddleware,
      groupActivitiesMiddleware: groupActivitiesMiddleware,
      styleOptions: {
        accent: config.accentColor,
        botAvatarInitials: config.botInitials,
        hideUploadButton: false,
        sendBoxButtonColor: config.accentColor
      }
    }, chat);
  }

  var locale = config.locale;
  picker.value = locale;
  showTexts(locale);
  status.textContent = texts(locale).connecting;

  session().then(function (s) {
    var options = {
      token: s.token,
      domain: location.origin + '/v3/directline',
      webSocket: true,
      // The welcome is sent when the conversation starts, so it needs the page's language.
      conversationStartProperties: { locale: locale }
    };
    // A page reload resumes the same conversation and shows its transcript again.
    if (s.started) options.conversationId = s.conversationId;
    directLine = window.WebChat.createDirectLine(options);
    s.started = true;
    try { sessionStorage.setItem(SESSION_KEY, JSON.stringify(s)); } catch (e) { /* private mode */ }
    status.textContent = '';
    render(locale);
  }).catch(function () {
    sessionStorage.removeItem(SESSION_KEY);
    status.textContent = texts(locale).connectionFailed;
  });

  picker.addEventListener('change', function () {
    locale = picker.value;
    if (directLine) render(locale); else showTexts(locale);
  });
})();
`;

function renderPage(deps: WebChatPageDeps, locale: string): string {
  const texts = pageTexts(deps);
  const t = texts[locale] ?? {};
  const initials = deps.settings.botName
    .split(/\s+/)
    .map((word) => word[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  const config = {
    locale,
    defaultLocale: deps.defaultLocale,
    accentColor: deps.settings.accentColor,
    botInitials: initials,
    texts,
  };
  const options = deps.locales
    .map(
      (code) =>
        `<option value="${code}" lang="${code}">${escapeHtml(texts[code]?.languageName ?? code)}</option>`,
    )
    .join('');
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title ?? deps.settings.botName)}</title>
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { display: flex; flex-direction: column; background: #f5f5f5; }
  header { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: 0.5rem 1rem;
           background: ${deps.settings.accentColor}; color: #fff; }
  h1 { font-size: 1.1rem; margin: 0; }
  header label { font-size: 0.9rem; margin-right: 0.4rem; }
  select { font: inherit; padding: 0.2rem; }
  main { flex: 1; min-height: 0; max-width: 48rem; width: 100%; margin: 0 auto; background: #fff; display: flex; flex-direction: column; }
  #status:empty { display: none; }
  #status { padding: 1rem; }
  #webchat { flex: 1; min-height: 0; }
  .agent-avatar { width: 40px; height: 40px; border-radius: 50%; display: flex; align-items: center; justify-content: center;
                  background: #5c2d91; color: #fff; font-size: 0.9rem; font-weight: 600; }
  .agent-name { font-weight: 600; }
</style>
</head>
<body>
<header>
  <h1 id="title">${escapeHtml(t.title ?? deps.settings.botName)}</h1>
  <div><label id="language-label" for="language">${escapeHtml(t.languageLabel ?? '')}</label><select id="language">${options}</select></div>
</header>
<main aria-labelledby="title">
  <p id="status" role="status" aria-live="polite"></p>
  <div id="webchat"></div>
</main>
<script type="application/json" id="switchboard-config">${scriptJson(config)}</script>
<script src="/webchat/webchat.js"></script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** Mounts `GET /` (the web chat page), `GET /webchat/webchat.js` (the Web Chat bundle) and the favicon. */
export function mountWebChatPage(server: restify.Server, deps: WebChatPageDeps): void {
  let bundle: Buffer | undefined;

  server.get('/', (req: Request, res: Response, next: Next) => {
    const locale = resolveLocale(
      acceptedLocales(req.header('accept-language')),
      deps.defaultLocale,
      deps.locales,
    );
    const html = renderPage(deps, locale);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Language': locale,
    });
    res.end(html);
    next();
  });

  // Browsers ask for it on every page; an empty answer keeps a 404 out of the console.
  server.get('/favicon.ico', (_req: Request, res: Response, next: Next) => {
    res.send(204);
    next();
  });

  server.get('/webchat/webchat.js', (_req: Request, res: Response, next: Next) => {
    bundle ??= fs.readFileSync(WEBCHAT_BUNDLE);
    res.writeHead(200, {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Content-Length': bundle.length,
      'Cache-Control': 'public, max-age=86400',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(bundle);
    next();
  });
}
