// @ts-check
/** The channels panel (admins): whether each channel is ready, and the code that links WhatsApp Web. */
import { api } from './api.js';
import { byId, clear, el } from './dom.js';
import { t } from './i18n.js';

/** @typedef {import('./types.js').ChannelStatus} ChannelStatus */

/** @type {ChannelStatus[]} */
let channels = [];

export async function refreshChannels() {
  try {
    channels = /** @type {{ channels: ChannelStatus[] }} */ (await api('GET', 'channels')).channels;
  } catch {
    return;
  }
  renderChannels();
}

export function renderChannels() {
  const list = byId('channel-list');
  clear(list);
  for (const channel of channels) {
    const li = el('li', null, 'channel');
    li.appendChild(el('strong', channel.name));
    li.appendChild(
      el(
        'span',
        ` ${channel.ready ? t('channels.ready') : t('channels.notReady')}`,
        channel.ready ? 'ok' : 'warn',
      ),
    );
    for (const [name, check] of Object.entries(channel.checks ?? {})) {
      const state = check.state || JSON.stringify(check);
      li.appendChild(
        el('span', ` · ${name}: ${state}${check.problem ? ` (${check.problem})` : ''}`, 'muted'),
      );
    }
    if (channel.linkQrSvg) {
      li.appendChild(el('p', t('channels.scan')));
      const image = el('img', null, 'link-code');
      image.alt = t('channels.codeAlt', { name: channel.name });
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(channel.linkQrSvg)}`;
      li.appendChild(image);
    }
    list.appendChild(li);
  }
}

export function forgetChannels() {
  channels = [];
  clear(byId('channel-list'));
}
