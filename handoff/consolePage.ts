import { createHash } from 'node:crypto';
import type restify from 'restify';
import type { Next, Request, Response } from 'restify';

/**
 * The agent console: one self-contained page (inline CSS and vanilla JS, no build step, no
 * CDN) over the console API. Everything the server sends is put in the DOM with textContent,
 * never as HTML.
 */
const PAGE_SCRIPT = `
(function () {
  'use strict';
  var API = '/api/console/';
  /** Typing indicators go out at most this often while the agent types. */
  var TYPING_EVERY_MS = 3000;
  var state = { me: null, csrf: null, socket: null, reconnectMs: 1000, selected: null, lastLineId: 0,
    lastTyping: 0, teams: [], unread: {}, loggedIn: false, queueTimer: null, channelsTimer: null,
    canned: [], cannedCaseId: null, cannedEditing: null, cannedMatches: [], cannedActive: 0, historyPage: 1 };
  /** How close (px) to the end of the transcript still counts as reading the newest message. */
  var AT_END_PX = 32;

  function $(id) { return document.getElementById(id); }
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function say(text) { $('status').textContent = text; }
  function caseError(text) { $('case-error').textContent = text || ''; }

  function api(method, path, body) {
    var headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
    return fetch(API + path, {
      method: method,
      headers: headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = {};
        try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { message: text }; }
        if (response.status === 401 && path !== 'login') showLogin('Your session has ended. Please log in again.');
        if (!response.ok) {
          var error = new Error(data.message || ('request failed (' + response.status + ')'));
          error.status = response.status;
          error.code = data.code;
          throw error;
        }
        return data;
      });
    });
  }

  function waited(seconds) {
    var minutes = Math.floor(seconds / 60);
    return minutes < 1 ? 'under 1 min' : minutes + ' min';
  }
  function shortTime(isoText) {
    var date = new Date(isoText);
    return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  var TOPICS = { orderStatus: 'Order status', returnItem: 'Return', appointment: 'Appointment', none: 'No task', humanAgent: 'Asked for a person' };
  function topicName(topic) { return TOPICS[topic] || topic; }
  var ROLES = { customer: 'Customer', bot: 'Bot', agent: 'Agent', system: 'System' };

  // --- login ---------------------------------------------------------------------------------

  function showLogin(message) {
    state.loggedIn = false;
    state.me = null;
    state.csrf = null;
    if (state.socket) { state.socket.close(); state.socket = null; }
    if (state.queueTimer) { clearInterval(state.queueTimer); state.queueTimer = null; }
    if (state.channelsTimer) { clearInterval(state.channelsTimer); state.channelsTimer = null; }
    $('channels-panel').hidden = true;
    $('app-view').hidden = true;
    $('whoami').hidden = true;
    $('login-view').hidden = false;
    $('login-error').textContent = message || '';
    $('login-username').focus();
  }

  function showApp(data) {
    state.me = data.agent;
    state.csrf = data.csrfToken;
    state.loggedIn = true;
    $('login-view').hidden = true;
    $('app-view').hidden = false;
    $('whoami').hidden = false;
    $('agent-name').textContent = data.agent.name + ' (' + data.agent.role + ')';
    loadTeams();
    refreshQueue();
    connect();
    if (!state.queueTimer) state.queueTimer = setInterval(refreshQueue, 30000);
    $('channels-panel').hidden = data.agent.role !== 'admin';
    $('tab-canned').hidden = data.agent.role === 'agent';
    if (data.agent.role === 'admin') {
      refreshChannels();
      // While a channel waits to be linked its code changes every few seconds.
      if (!state.channelsTimer) state.channelsTimer = setInterval(refreshChannels, 5000);
    }
  }

  // --- channels (admins) ---------------------------------------------------------------------

  function refreshChannels() {
    if (!state.loggedIn) return;
    api('GET', 'channels').then(renderChannels).catch(function () { return undefined; });
  }

  function renderChannels(data) {
    var list = $('channel-list');
    clear(list);
    data.channels.forEach(function (channel) {
      var li = el('li', null, 'channel');
      li.appendChild(el('strong', channel.name));
      li.appendChild(el('span', channel.ready ? ' ready' : ' not ready', channel.ready ? 'ok' : 'warn'));
      Object.keys(channel.checks || {}).forEach(function (name) {
        var check = channel.checks[name] || {};
        li.appendChild(el('span', ' · ' + name + ': ' + (check.state || JSON.stringify(check)) + (check.problem ? ' (' + check.problem + ')' : ''), 'muted'));
      });
      if (channel.linkQrSvg) {
        li.appendChild(el('p', 'Scan this code with the shop’s phone: WhatsApp → Linked devices → Link a device.'));
        var image = document.createElement('img');
        image.className = 'link-code';
        image.alt = 'Code to link ' + channel.name;
        image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(channel.linkQrSvg);
        li.appendChild(image);
      }
      list.appendChild(li);
    });
  }

  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    $('login-error').textContent = '';
    var button = $('login-submit');
    button.disabled = true;
    api('POST', 'login', { username: $('login-username').value, password: $('login-password').value })
      .then(function (data) {
        $('login-password').value = '';
        showApp(data);
        $('queue-title').focus();
      })
      .catch(function (error) { $('login-error').textContent = error.message; })
      .then(function () { button.disabled = false; });
  });

  $('logout').addEventListener('click', function () {
    var socket = state.socket;
    state.socket = null;
    if (socket) socket.close();
    api('POST', 'logout').catch(function () { return undefined; }).then(function () {
      showCase(null);
      showLogin('You are logged out.');
    });
  });

  // --- live events ---------------------------------------------------------------------------

  function connect() {
    if (state.socket || !state.loggedIn) return;
    var socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + API + 'events');
    state.socket = socket;
    socket.onopen = function () {
      state.reconnectMs = 1000;
      say('');
      refreshQueue();
      if (state.selected) loadCase(state.selected.case.id);
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === 'changed') {
        refreshQueue();
        if (state.selected && state.selected.case.id === message.caseId) loadCase(message.caseId);
      } else if (message.type === 'customerMessage') {
        if (state.selected && state.selected.case.id === message.caseId) loadCase(message.caseId);
        else { state.unread[message.caseId] = true; refreshQueue(); }
      } else if (message.type === 'ticket') {
        if (!$('tickets-panel').hidden) refreshTickets();
        else say('A ticket was created or closed.');
      }
    };
    socket.onclose = function (event) {
      if (state.socket !== socket) return;
      state.socket = null;
      if (!state.loggedIn) return;
      if (event.code === 4401) { showLogin('Your session has ended. Please log in again.'); return; }
      say('Live updates lost; reconnecting…');
      var delay = state.reconnectMs;
      state.reconnectMs = Math.min(state.reconnectMs * 2, 30000);
      setTimeout(function () {
        // A refused upgrade looks like any other drop: ask whether the session still stands.
        api('GET', 'me').then(function () { connect(); }).catch(function () { return undefined; });
      }, delay);
    };
  }

  // --- queue ---------------------------------------------------------------------------------

  function refreshQueue() {
    if (!state.loggedIn) return;
    api('GET', 'queue').then(renderQueue).catch(function (error) { if (error.status !== 401) say(error.message); });
  }

  function renderQueue(data) {
    var list = $('queue-list');
    clear(list);
    $('queue-empty').hidden = data.cases.length > 0;
    data.cases.forEach(function (item) {
      var li = el('li');
      var button = el('button', null, 'case-item');
      button.type = 'button';
      button.setAttribute('data-case-id', String(item.id));
      if (state.selected && state.selected.case.id === item.id) button.setAttribute('aria-current', 'true');
      var title = el('span', (item.customerName || 'Customer') + ' · ' + topicName(item.topic), 'case-title');
      var detail = item.state === 'queued'
        ? 'Waiting ' + waited(item.waitingSeconds) + ' · #' + item.position + ' in ' + item.team
        : (item.state === 'withAgent' ? 'With ' + (item.agentId === state.me.id ? 'you' : (item.agentName || 'an agent')) : 'Ended');
      var meta = el('span', (item.channelName || item.channel) + ' · ' + item.locale + ' · ' + detail, 'case-meta');
      button.appendChild(title);
      button.appendChild(meta);
      if (state.unread[item.id]) button.appendChild(el('span', 'new message', 'badge'));
      button.addEventListener('click', function () { delete state.unread[item.id]; loadCase(item.id, true); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  // --- one case ------------------------------------------------------------------------------

  function loadCase(id, focus) {
    return api('GET', 'cases/' + id).then(function (data) {
      showCase(data);
      if (focus) $('case-title').focus();
    }).catch(function (error) {
      if (error.status === 403 || error.status === 404) { showCase(null); say(error.message); refreshQueue(); }
      else if (error.status !== 401) caseError(error.message);
    });
  }

  function fact(list, name, value) {
    if (value === undefined || value === null || value === '') return;
    list.appendChild(el('dt', name));
    list.appendChild(el('dd', typeof value === 'object' ? JSON.stringify(value) : value));
  }

  /** One transcript line as the case page and the history show it (text only, never HTML). */
  function transcriptLine(line, customerName) {
    var li = el('li', null, 'line line-' + line.role);
    var who = line.role === 'agent' && line.agentName ? line.agentName
      : (line.role === 'customer' && customerName ? customerName : (ROLES[line.role] || line.role));
    li.appendChild(el('span', who + ' · ' + shortTime(line.at), 'line-meta'));
    li.appendChild(el('span', line.text, 'line-text'));
    return li;
  }

  $('transcript').addEventListener('scroll', function () {
    var list = $('transcript');
    if (list.scrollHeight - list.scrollTop - list.clientHeight <= AT_END_PX) $('newer-lines').hidden = true;
  });
  $('newer-lines').addEventListener('click', function () {
    var list = $('transcript');
    list.scrollTop = list.scrollHeight;
    $('newer-lines').hidden = true;
  });

  function showCase(data) {
    var previous = state.selected;
    state.selected = data;
    caseError('');
    if (!data) {
      $('case-title').textContent = 'Select a conversation';
      $('case-body').hidden = true;
      state.lastLineId = 0;
      return;
    }
    var item = data.case;
    $('case-title').textContent = (item.customerName || 'Customer') + ' — case ' + item.id;
    $('case-body').hidden = false;
    var facts = $('case-facts');
    clear(facts);
    fact(facts, 'State', item.state === 'withAgent' ? 'with ' + (item.agentId === state.me.id ? 'you' : (item.agentName || 'an agent')) : item.state);
    fact(facts, 'Channel', item.channelName || item.channel);
    fact(facts, 'Language', item.locale);
    fact(facts, 'Intent', topicName(item.topic));
    fact(facts, 'Team', item.team);
    fact(facts, 'Reason', item.reasonText || item.reason);
    fact(facts, 'Sentiment', data.sentiment === undefined ? 'unknown' : (data.sentiment >= 0.5 ? 'negative' : 'neutral or positive') + ' (' + Number(data.sentiment).toFixed(2) + ')');
    fact(facts, 'Waiting', waited(item.waitingSeconds));
    if (item.tags && item.tags.length) fact(facts, 'Tags', item.tags.join(', '));
    if (item.disposition) fact(facts, 'Outcome', item.dispositionText || item.disposition);
    if (data.delivery && data.delivery.length) {
      // What the customer's channel last said about our messages; a failure stays visible.
      var lastReport = data.delivery[data.delivery.length - 1];
      var failures = data.delivery.filter(function (report) { return report.status === 'failed'; });
      fact(facts, 'Delivery', lastReport.status + ' at ' + shortTime(lastReport.at));
      if (failures.length) {
        var failure = failures[failures.length - 1];
        fact(facts, 'Not delivered', shortTime(failure.at) + (failure.problem ? ': ' + failure.problem : ''));
      }
    }
    $('case-summary').textContent = data.summary;
    var collected = $('case-collected');
    clear(collected);
    Object.keys(data.collected || {}).forEach(function (key) { fact(collected, key, data.collected[key]); });
    $('collected-empty').hidden = collected.childNodes.length > 0;

    var transcript = $('transcript');
    var sameCase = previous && previous.case.id === item.id;
    // NOTE: measured before the new lines go in: an agent who scrolled up to read stays where
    // they are; one reading the newest message keeps following the conversation.
    var following = !sameCase || transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight <= AT_END_PX;
    // Only new lines are appended, so the live region announces new messages, not the history.
    if (!sameCase) { clear(transcript); state.lastLineId = 0; }
    var added = 0;
    data.transcript.forEach(function (line) {
      if (line.id <= state.lastLineId) return;
      state.lastLineId = line.id;
      added += 1;
      var li = transcriptLine(line, item.customerName);
      if (line.redacted && line.role === 'customer') {
        var text = li.querySelector('.line-text');
        var button = el('button', 'Reveal', 'reveal');
        button.type = 'button';
        button.setAttribute('aria-label', 'Reveal the redacted parts of message ' + line.id);
        button.addEventListener('click', function () { reveal(item.id, line, text, button); });
        li.appendChild(button);
      }
      transcript.appendChild(li);
    });
    if (following) { transcript.scrollTop = transcript.scrollHeight; $('newer-lines').hidden = true; }
    else if (added > 0) $('newer-lines').hidden = false;
    $('transcript-empty').hidden = data.transcript.length > 0;

    var mine = item.state === 'withAgent' && item.agentId === state.me.id;
    // Only the agent holding the case may reveal; the server checks it too.
    var reveals = transcript.querySelectorAll('button.reveal');
    for (var r = 0; r < reveals.length; r += 1) reveals[r].hidden = !mine || reveals[r].getAttribute('data-shown') === 'true';
    $('claim').hidden = item.state !== 'queued';
    if (mine && state.cannedCaseId !== item.id) loadCannedReplies(item.id);
    if (!mine) { state.canned = []; state.cannedCaseId = null; closeCannedPicker(); }
    $('reply-form').hidden = !mine;
    $('transfer-form').hidden = !mine;
    $('end-form').hidden = item.state === 'ended' || !(mine || state.me.role !== 'agent');
    var items = document.querySelectorAll('.case-item');
    for (var i = 0; i < items.length; i += 1) {
      if (items[i].getAttribute('data-case-id') === String(item.id)) items[i].setAttribute('aria-current', 'true');
      else items[i].removeAttribute('aria-current');
    }
  }

  /**
   * Shows the original of one redacted message until the server's expiry, then the redacted
   * text again. Each reveal is audited by the server.
   */
  function reveal(caseId, line, node, button) {
    caseError('');
    api('POST', 'cases/' + caseId + '/messages/' + line.id + '/reveal').then(function (data) {
      node.textContent = data.text;
      node.classList.add('revealed');
      button.hidden = true;
      button.setAttribute('data-shown', 'true');
      var until = new Date(data.expiresAt);
      say('Shown until ' + until.toLocaleTimeString() + '; this reveal is in the audit log.');
      setTimeout(function () {
        node.textContent = line.text;
        node.classList.remove('revealed');
        button.removeAttribute('data-shown');
        var selected = state.selected;
        button.hidden = !(selected && selected.case.id === caseId && selected.case.state === 'withAgent' &&
          selected.case.agentId === state.me.id);
      }, Math.max(0, until.getTime() - Date.now()));
    }).catch(function (error) {
      if (error.status !== 401) caseError(error.message);
    });
  }

  function caseAction(path, body, done) {
    if (!state.selected) return Promise.resolve();
    var id = state.selected.case.id;
    caseError('');
    return api('POST', 'cases/' + id + '/' + path, body).then(function (data) {
      if (data && data.held) say('Done, but the message to the customer was held: their channel allows none now.');
      else if (data && data.delivered === false) say('Done, but the customer could not be reached on their channel.');
      else if (done) say(done);
      refreshQueue();
      return loadCase(id);
    }).catch(function (error) {
      caseError(error.message);
      refreshQueue();
      loadCase(id);
    });
  }

  $('claim').addEventListener('click', function () {
    caseAction('claim', undefined, 'You have the conversation.').then(function () { $('reply-text').focus(); });
  });

  $('reply-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var box = $('reply-text');
    var text = box.value.trim();
    if (!text) return;
    var button = $('reply-send');
    button.disabled = true;
    api('POST', 'cases/' + state.selected.case.id + '/messages', { text: text })
      .then(function (data) {
        box.value = '';
        if (data && data.held) say('Held, not sent: the channel allows no message to this customer now (WhatsApp: over 24 hours since they last wrote, and no approved template). It is in the audit log.');
        else say('Sent.');
        state.lastTyping = 0;
        return loadCase(state.selected.case.id);
      })
      .catch(function (error) { caseError(error.message); })
      .then(function () { button.disabled = false; box.focus(); });
  });

  // Enter sends; Shift+Enter starts a new line.
  $('reply-text').addEventListener('keydown', function (event) {
    if (!$('canned-picker').hidden && state.cannedMatches.length) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        var step = event.key === 'ArrowDown' ? 1 : -1;
        state.cannedActive = (state.cannedActive + step + state.cannedMatches.length) % state.cannedMatches.length;
        renderCannedPicker();
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        insertCannedReply(state.cannedMatches[state.cannedActive]);
        return;
      }
      if (event.key === 'Escape') { event.preventDefault(); closeCannedPicker(); return; }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('reply-form').requestSubmit();
    }
  });

  $('reply-text').addEventListener('input', function () {
    updateCannedPicker();
    var now = Date.now();
    if (!state.selected || now - state.lastTyping < TYPING_EVERY_MS || !$('reply-text').value) return;
    state.lastTyping = now;
    api('POST', 'cases/' + state.selected.case.id + '/typing').catch(function () { return undefined; });
  });

  // --- canned replies in the reply box -------------------------------------------------------

  function loadCannedReplies(caseId) {
    state.cannedCaseId = caseId;
    api('GET', 'cases/' + caseId + '/canned-replies').then(function (data) {
      if (state.cannedCaseId !== caseId) return;
      state.canned = data.cannedReplies;
      $('reply-hint').textContent = state.canned.length
        ? 'Enter sends, Shift+Enter starts a new line. Type / and a name for a canned reply (' + state.canned.map(function (r) { return '/' + r.name; }).join(', ') + ').'
        : 'Enter sends, Shift+Enter starts a new line.';
    }).catch(function () { state.canned = []; });
  }

  /** The /name being typed just before the cursor (at the start or after a space), if any. */
  function cannedToken() {
    var box = $('reply-text');
    var before = box.value.slice(0, box.selectionStart);
    var match = /(^|\\s)\\/([a-z0-9_-]*)$/.exec(before);
    return match ? { start: before.length - match[2].length - 1, end: box.selectionStart, name: match[2] } : null;
  }

  function updateCannedPicker() {
    var token = cannedToken();
    state.cannedMatches = token ? state.canned.filter(function (reply) { return reply.name.indexOf(token.name) === 0; }) : [];
    state.cannedActive = 0;
    if (!state.cannedMatches.length) { closeCannedPicker(); return; }
    renderCannedPicker();
  }

  function renderCannedPicker() {
    var picker = $('canned-picker');
    clear(picker);
    state.cannedMatches.forEach(function (reply, index) {
      var option = el('li', null, 'canned-option');
      option.id = 'canned-option-' + reply.id;
      option.setAttribute('role', 'option');
      option.setAttribute('aria-selected', String(index === state.cannedActive));
      option.appendChild(el('strong', '/' + reply.name));
      option.appendChild(el('span', ' ' + reply.text, 'muted'));
      option.addEventListener('mousedown', function (event) { event.preventDefault(); insertCannedReply(reply); });
      picker.appendChild(option);
    });
    picker.hidden = false;
    var active = state.cannedMatches[state.cannedActive];
    $('reply-text').setAttribute('aria-expanded', 'true');
    if (active) $('reply-text').setAttribute('aria-activedescendant', 'canned-option-' + active.id);
  }

  function closeCannedPicker() {
    $('canned-picker').hidden = true;
    state.cannedMatches = [];
    $('reply-text').setAttribute('aria-expanded', 'false');
    $('reply-text').removeAttribute('aria-activedescendant');
  }

  /** Puts a canned reply (already filled with the case's data) in place of the typed /name. */
  function insertCannedReply(reply) {
    var token = cannedToken();
    var box = $('reply-text');
    if (!reply || !token) { closeCannedPicker(); return; }
    box.value = box.value.slice(0, token.start) + reply.text + box.value.slice(token.end);
    var cursor = token.start + reply.text.length;
    box.setSelectionRange(cursor, cursor);
    closeCannedPicker();
    if (reply.missing && reply.missing.length) say('Fill in before sending: ' + reply.missing.join(', ') + '.');
    box.focus();
  }

  $('transfer-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var username = $('transfer-agent').value.trim();
    var body = username ? { agent: username } : { team: $('transfer-team').value };
    caseAction('transfer', body, 'Transferred.').then(function () { $('transfer-agent').value = ''; });
  });

  $('end-form').addEventListener('submit', function (event) {
    event.preventDefault();
    caseAction('end', { disposition: $('end-disposition').value }, 'The conversation has ended; the customer is back with the bot.');
  });

  function loadTeams() {
    api('GET', 'teams').then(function (data) {
      var select = $('transfer-team');
      var cannedTeam = $('canned-team');
      clear(select);
      clear(cannedTeam);
      data.teams.forEach(function (team) {
        var option = el('option', team.name + (team.open ? '' : ' (closed)'));
        option.value = team.id;
        select.appendChild(option);
        var teamOption = el('option', team.name);
        teamOption.value = team.id;
        cannedTeam.appendChild(teamOption);
      });
    }).catch(function () { return undefined; });
  }

  // --- tickets -------------------------------------------------------------------------------

  var PANELS = { queue: 'work-panel', tickets: 'tickets-panel', history: 'history-panel', canned: 'canned-panel' };
  function showPanel(name) {
    Object.keys(PANELS).forEach(function (key) {
      $(PANELS[key]).hidden = key !== name;
      $('tab-' + key).setAttribute('aria-pressed', String(key === name));
    });
    if (name === 'tickets') return refreshTickets();
    if (name === 'history') return searchHistory(state.historyPage);
    if (name === 'canned') return refreshCannedList();
    return undefined;
  }
  Object.keys(PANELS).forEach(function (key) {
    $('tab-' + key).addEventListener('click', function () { showPanel(key); });
  });

  function refreshTickets(focusId) {
    return api('GET', 'tickets?status=' + encodeURIComponent($('ticket-status').value)).then(function (data) {
      var list = $('ticket-list');
      clear(list);
      $('tickets-empty').hidden = data.tickets.length > 0;
      data.tickets.forEach(function (ticket) {
        var li = el('li', null, 'ticket');
        li.id = 'ticket-' + ticket.id;
        li.tabIndex = -1;
        li.appendChild(el('h3', 'Ticket ' + ticket.id + ' · ' + ticket.team + ' · ' + ticket.channel + ' · ' + ticket.locale));
        li.appendChild(el('p', ticket.text, 'ticket-text'));
        var facts = el('dl');
        fact(facts, 'Created', new Date(ticket.createdAt).toLocaleString());
        Object.keys(ticket.collected || {}).forEach(function (key) { fact(facts, key, ticket.collected[key]); });
        li.appendChild(facts);
        if (ticket.status === 'open') {
          var button = el('button', 'Close ticket ' + ticket.id);
          button.type = 'button';
          button.addEventListener('click', function () {
            api('POST', 'tickets/' + ticket.id + '/close').then(function () { say('Ticket ' + ticket.id + ' closed.'); refreshTickets(); })
              .catch(function (error) { say(error.message); refreshTickets(); });
          });
          li.appendChild(button);
        } else {
          li.appendChild(el('p', 'Closed', 'ticket-closed'));
        }
        list.appendChild(li);
      });
      var focused = focusId && $('ticket-' + focusId);
      if (focused) { focused.classList.add('linked'); focused.focus(); }
    }).catch(function (error) { if (error.status !== 401) say(error.message); });
  }
  $('ticket-status').addEventListener('change', function () { refreshTickets(); });

  /** Opens the tickets list at one open ticket (a link from the history). */
  function openTicket(id) {
    $('ticket-status').value = 'open';
    Object.keys(PANELS).forEach(function (key) {
      $(PANELS[key]).hidden = key !== 'tickets';
      $('tab-' + key).setAttribute('aria-pressed', String(key === 'tickets'));
    });
    refreshTickets(id);
  }

  // --- history -------------------------------------------------------------------------------

  function historyQuery(page) {
    var fields = ['q', 'channel', 'agent', 'outcome', 'from', 'to'];
    var parts = fields.map(function (name) {
      var value = $('history-' + name).value.trim();
      return value ? name + '=' + encodeURIComponent(value) : '';
    }).filter(Boolean);
    parts.push('page=' + page);
    return parts.join('&');
  }

  function searchHistory(page) {
    state.historyPage = page;
    $('history-error').textContent = '';
    return api('GET', 'cases/history?' + historyQuery(page)).then(function (data) {
      var list = $('history-list');
      clear(list);
      $('history-empty').hidden = data.cases.length > 0;
      data.cases.forEach(function (item) {
        var li = el('li');
        var button = el('button', null, 'case-item');
        button.type = 'button';
        button.setAttribute('data-history-id', String(item.id));
        button.appendChild(el('span', (item.customerName || 'Customer') + ' · ' + topicName(item.topic), 'case-title'));
        var refs = ['orderNumber', 'rma', 'bookingReference'].map(function (key) { return item.collected && item.collected[key]; }).filter(Boolean);
        button.appendChild(el('span', (item.channelName || item.channel) + ' · ' + (item.agentName || 'no agent') + ' · ' +
          (item.dispositionText || item.disposition || '') + ' · ' + new Date(item.endedAt).toLocaleString() +
          (refs.length ? ' · ' + refs.join(', ') : ''), 'case-meta'));
        if (item.openTickets.length) button.appendChild(el('span', item.openTickets.length + ' open ticket' + (item.openTickets.length > 1 ? 's' : ''), 'badge'));
        button.addEventListener('click', function () { showHistoryCase(item.id); });
        li.appendChild(button);
        list.appendChild(li);
      });
      var pages = Math.max(1, Math.ceil(data.total / data.pageSize));
      $('history-page').textContent = data.total + ' case' + (data.total === 1 ? '' : 's') + ' · page ' + data.page + ' of ' + pages;
      $('history-prev').disabled = data.page <= 1;
      $('history-next').disabled = data.page >= pages;
    }).catch(function (error) { if (error.status !== 401) $('history-error').textContent = error.message; });
  }

  $('history-form').addEventListener('submit', function (event) { event.preventDefault(); searchHistory(1); });
  $('history-prev').addEventListener('click', function () { searchHistory(Math.max(1, state.historyPage - 1)); });
  $('history-next').addEventListener('click', function () { searchHistory(state.historyPage + 1); });

  /** Shows one ended case read-only: its facts, its own transcript and its open tickets. */
  function showHistoryCase(id) {
    return api('GET', 'cases/' + id).then(function (data) {
      var item = data.case;
      $('history-title').textContent = (item.customerName || 'Customer') + ' — case ' + item.id;
      $('history-detail').hidden = false;
      var facts = $('history-facts');
      clear(facts);
      fact(facts, 'Channel', item.channelName || item.channel);
      fact(facts, 'Language', item.locale);
      fact(facts, 'Intent', topicName(item.topic));
      fact(facts, 'Team', item.team);
      fact(facts, 'Reason', item.reasonText || item.reason);
      fact(facts, 'Agent', item.agentName || 'nobody');
      fact(facts, 'Outcome', item.dispositionText || item.disposition);
      fact(facts, 'Ended', item.endedAt ? new Date(item.endedAt).toLocaleString() : undefined);
      Object.keys(data.collected || {}).forEach(function (key) { fact(facts, key, data.collected[key]); });
      var transcript = $('history-transcript');
      clear(transcript);
      data.transcript.forEach(function (line) { transcript.appendChild(transcriptLine(line, item.customerName)); });
      var tickets = $('history-tickets');
      clear(tickets);
      (data.openTickets || []).forEach(function (ticket) {
        var li = el('li');
        var link = el('a', 'Open ticket ' + ticket.id + ' (' + ticket.team + ')');
        link.href = '#ticket-' + ticket.id;
        link.addEventListener('click', function (event) { event.preventDefault(); openTicket(ticket.id); });
        li.appendChild(link);
        tickets.appendChild(li);
      });
      $('history-tickets-empty').hidden = (data.openTickets || []).length > 0;
      $('history-title').focus();
    }).catch(function (error) { if (error.status !== 401) $('history-error').textContent = error.message; });
  }

  // --- canned replies (leads and admins) ------------------------------------------------------

  function refreshCannedList() {
    return api('GET', 'canned-replies').then(function (data) {
      $('canned-placeholders').textContent = 'Placeholders: ' + data.placeholders.map(function (p) { return '{{' + p + '}}'; }).join(' ');
      var list = $('canned-list');
      clear(list);
      $('canned-empty').hidden = data.cannedReplies.length > 0;
      data.cannedReplies.forEach(function (reply) {
        var li = el('li', null, 'ticket');
        li.appendChild(el('h3', '/' + reply.name + ' · ' + reply.locale + ' · ' + reply.team));
        li.appendChild(el('p', reply.text, 'ticket-text'));
        var edit = el('button', 'Edit /' + reply.name + ' (' + reply.locale + ', ' + reply.team + ')');
        edit.type = 'button';
        edit.addEventListener('click', function () {
          state.cannedEditing = reply.id;
          $('canned-name').value = reply.name;
          $('canned-locale').value = reply.locale;
          $('canned-team').value = reply.team;
          $('canned-text').value = reply.text;
          $('canned-save').textContent = 'Save changes';
          $('canned-name').focus();
        });
        var remove = el('button', 'Delete /' + reply.name + ' (' + reply.locale + ', ' + reply.team + ')');
        remove.type = 'button';
        remove.addEventListener('click', function () {
          api('DELETE', 'canned-replies/' + reply.id).then(function () { say('Deleted /' + reply.name + '.'); refreshCannedList(); })
            .catch(function (error) { $('canned-error').textContent = error.message; });
        });
        li.appendChild(edit);
        li.appendChild(document.createTextNode(' '));
        li.appendChild(remove);
        list.appendChild(li);
      });
    }).catch(function (error) { if (error.status !== 401) $('canned-error').textContent = error.message; });
  }

  function resetCannedForm() {
    state.cannedEditing = null;
    $('canned-name').value = '';
    $('canned-text').value = '';
    $('canned-save').textContent = 'Add canned reply';
  }

  $('canned-form').addEventListener('submit', function (event) {
    event.preventDefault();
    $('canned-error').textContent = '';
    var id = state.cannedEditing;
    var body = { name: $('canned-name').value.trim(), locale: $('canned-locale').value, team: $('canned-team').value, text: $('canned-text').value };
    api(id ? 'PUT' : 'POST', 'canned-replies' + (id ? '/' + id : ''), body).then(function () {
      say('Saved /' + body.name + '.');
      resetCannedForm();
      state.cannedCaseId = null;
      refreshCannedList();
    }).catch(function (error) { $('canned-error').textContent = error.message; });
  });
  $('canned-cancel').addEventListener('click', resetCannedForm);

  // --- start ---------------------------------------------------------------------------------

  api('GET', 'me').then(showApp).catch(function () { showLogin(''); });
})();
`;

const PAGE_STYLE = `
  :root { --accent: #0063b1; --line: #d0d0d0; --muted: #555; }
  * { box-sizing: border-box; }
  /* Layout rules below set display; hidden must still hide. */
  [hidden] { display: none !important; }
  html, body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f5f5f5; color: #1b1b1b; }
  header { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: 0.5rem 1rem; background: var(--accent); color: #fff; }
  header h1 { font-size: 1.1rem; margin: 0; }
  header button { color: #fff; background: transparent; border: 1px solid #fff; }
  button, input, select, textarea { font: inherit; }
  button { padding: 0.35rem 0.8rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
  button:disabled { opacity: 0.6; cursor: default; }
  :focus-visible { outline: 3px solid #ffb900; outline-offset: 2px; }
  label { display: block; font-weight: 600; margin: 0.5rem 0 0.2rem; }
  input, select, textarea { padding: 0.35rem; border: 1px solid #8a8a8a; border-radius: 4px; max-width: 100%; }
  textarea { width: 100%; resize: vertical; }
  .skip { position: absolute; left: -999px; }
  .skip:focus { left: 1rem; top: 0.5rem; background: #fff; color: #000; padding: 0.3rem; z-index: 1; }
  #status { margin: 0; padding: 0.4rem 1rem; min-height: 1.8rem; color: var(--muted); }
  #login-view { max-width: 22rem; margin: 2rem auto; background: #fff; padding: 1.5rem; border-radius: 6px; }
  #login-view input { display: block; width: 100%; }
  #login-view button { margin-top: 1rem; }
  [role="alert"] { color: #a4262c; font-weight: 600; }
  nav { padding: 0 1rem 0.5rem; display: flex; gap: 0.5rem; }
  nav button { background: #fff; color: var(--accent); }
  nav button[aria-pressed="true"] { background: var(--accent); color: #fff; }
  #work-panel { display: grid; grid-template-columns: minmax(16rem, 22rem) 1fr; gap: 1rem; padding: 0 1rem 1rem; }
  @media (max-width: 48rem) { #work-panel { grid-template-columns: 1fr; } }
  section.panel { background: #fff; border-radius: 6px; padding: 1rem; min-width: 0; }
  h2 { font-size: 1.05rem; margin: 0 0 0.5rem; }
  h3 { font-size: 0.95rem; margin: 1rem 0 0.3rem; }
  ul, ol { list-style: none; margin: 0; padding: 0; }
  .case-item { display: block; width: 100%; text-align: left; background: #fff; color: inherit; border: 1px solid var(--line); margin-bottom: 0.4rem; }
  .case-item[aria-current="true"] { border: 2px solid var(--accent); background: #eef5fc; }
  .case-title { display: block; font-weight: 600; }
  .case-meta { display: block; font-size: 0.85rem; color: var(--muted); }
  .badge { display: inline-block; margin-top: 0.2rem; font-size: 0.75rem; background: #a4262c; color: #fff; border-radius: 3px; padding: 0 0.3rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.8rem; margin: 0; }
  dt { font-weight: 600; }
  dd { margin: 0; overflow-wrap: anywhere; }
  #case-summary { white-space: pre-line; background: #f3f2f1; padding: 0.5rem; border-radius: 4px; margin: 0; }
  #transcript { max-height: 24rem; overflow-y: auto; border: 1px solid var(--line); border-radius: 4px; padding: 0.5rem; }
  .line { margin-bottom: 0.5rem; }
  .line-meta { display: block; font-size: 0.75rem; color: var(--muted); }
  .line-text { white-space: pre-wrap; overflow-wrap: anywhere; }
  .line-customer .line-text { font-weight: 600; }
  .line-text.revealed { background: #fff4ce; }
  button.reveal { margin-left: 0.5rem; font-size: 0.75rem; padding: 0 0.4rem; }
  .actions form, .actions > div { margin-top: 0.8rem; }
  .inline { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; }
  .inline label { margin: 0; }
  .ticket { border: 1px solid var(--line); border-radius: 4px; padding: 0.6rem; margin-bottom: 0.6rem; }
  .ticket-text { white-space: pre-wrap; }
  .muted { color: var(--muted); }
  .transcript-wrap { position: relative; }
  #newer-lines { position: absolute; right: 1rem; bottom: 0.5rem; font-size: 0.8rem; }
  .reply-box { position: relative; }
  #canned-picker { position: absolute; left: 0; right: 0; bottom: 100%; max-height: 12rem; overflow-y: auto; background: #fff; border: 1px solid var(--accent); border-radius: 4px; z-index: 2; }
  .canned-option { padding: 0.3rem 0.5rem; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .canned-option[aria-selected="true"] { background: #eef5fc; outline: 2px solid var(--accent); }
  #history-form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; }
  #history-form label { margin: 0; }
  #history-results { display: grid; grid-template-columns: minmax(16rem, 26rem) 1fr; gap: 1rem; margin-top: 1rem; }
  @media (max-width: 48rem) { #history-results { grid-template-columns: 1fr; } }
  #history-transcript { max-height: 24rem; overflow-y: auto; border: 1px solid var(--line); border-radius: 4px; padding: 0.5rem; }
  .pager { display: flex; gap: 0.5rem; align-items: center; margin-top: 0.5rem; }
  .ticket.linked { border: 2px solid var(--accent); }
  .link-code { display: block; width: 16rem; height: 16rem; margin-top: .5rem; background: #fff; }
  #channel-list .ok { color: #1a7f37; }
  #channel-list .warn { color: #b35900; }
`;

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Switchboard · Agent console</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<a class="skip" href="#case-view">Skip to the conversation</a>
<header>
  <h1>Switchboard · Agent console</h1>
  <div id="whoami" hidden><span id="agent-name"></span> <button type="button" id="logout">Log out</button></div>
</header>
<p id="status" role="status" aria-live="polite"></p>
<main>
  <section id="login-view" aria-labelledby="login-title" hidden>
    <h2 id="login-title">Log in</h2>
    <form id="login-form">
      <label for="login-username">Username</label>
      <input id="login-username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required>
      <label for="login-password">Password</label>
      <input id="login-password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit" id="login-submit">Log in</button>
      <p id="login-error" role="alert"></p>
    </form>
  </section>
  <div id="app-view" hidden>
    <nav aria-label="Views">
      <button type="button" id="tab-queue" aria-pressed="true">Conversations</button>
      <button type="button" id="tab-tickets" aria-pressed="false">Tickets</button>
      <button type="button" id="tab-history" aria-pressed="false">History</button>
      <button type="button" id="tab-canned" aria-pressed="false" hidden>Canned replies</button>
    </nav>
    <div id="work-panel">
      <section class="panel" aria-labelledby="queue-title">
        <h2 id="queue-title" tabindex="-1">Queue</h2>
        <ul id="queue-list" aria-labelledby="queue-title"></ul>
        <p id="queue-empty" class="muted">Nobody is waiting.</p>
      </section>
      <section class="panel" id="case-view" aria-labelledby="case-title">
        <h2 id="case-title" tabindex="-1">Select a conversation</h2>
        <div id="case-body" hidden>
          <dl id="case-facts"></dl>
          <h3>Summary</h3>
          <p id="case-summary"></p>
          <h3>Collected by the bot</h3>
          <dl id="case-collected"></dl>
          <p id="collected-empty" class="muted">Nothing collected.</p>
          <h3 id="transcript-title">Transcript</h3>
          <div class="transcript-wrap">
            <ol id="transcript" aria-labelledby="transcript-title" aria-live="polite" aria-relevant="additions"></ol>
            <button type="button" id="newer-lines" hidden>New messages below</button>
          </div>
          <p id="transcript-empty" class="muted">No messages yet.</p>
          <div class="actions">
            <div><button type="button" id="claim" hidden>Claim this conversation</button></div>
            <form id="reply-form" hidden>
              <label for="reply-text">Reply to the customer</label>
              <div class="reply-box">
                <ul id="canned-picker" role="listbox" aria-label="Canned replies" hidden></ul>
                <textarea id="reply-text" rows="3" maxlength="4000" aria-describedby="reply-hint" aria-controls="canned-picker" aria-autocomplete="list" aria-expanded="false"></textarea>
              </div>
              <p id="reply-hint" class="muted">Enter sends, Shift+Enter starts a new line.</p>
              <button type="submit" id="reply-send">Send</button>
            </form>
            <form id="transfer-form" class="inline" hidden>
              <div><label for="transfer-team">Transfer to team</label><select id="transfer-team"></select></div>
              <div><label for="transfer-agent">or to agent (username)</label><input id="transfer-agent" autocomplete="off" spellcheck="false"></div>
              <button type="submit">Transfer</button>
            </form>
            <form id="end-form" class="inline" hidden>
              <div><label for="end-disposition">Outcome</label>
                <select id="end-disposition">
                  <option value="resolved">Resolved</option>
                  <option value="notResolved">Not resolved</option>
                  <option value="spam">Spam</option>
                  <option value="other">Other</option>
                </select></div>
              <button type="submit">End conversation</button>
            </form>
            <p id="case-error" role="alert"></p>
          </div>
        </div>
      </section>
    </div>
    <section class="panel" id="channels-panel" aria-labelledby="channels-title" hidden>
      <h2 id="channels-title">Channels</h2>
      <ul id="channel-list" aria-labelledby="channels-title"></ul>
    </section>
    <section class="panel" id="tickets-panel" aria-labelledby="tickets-title" hidden>
      <h2 id="tickets-title">Tickets</h2>
      <label for="ticket-status">Show</label>
      <select id="ticket-status"><option value="open">Open tickets</option><option value="closed">Closed tickets</option></select>
      <ul id="ticket-list"></ul>
      <p id="tickets-empty" class="muted">No tickets.</p>
    </section>
    <section class="panel" id="history-panel" aria-labelledby="history-heading" hidden>
      <h2 id="history-heading">History</h2>
      <form id="history-form" role="search">
        <div><label for="history-q">Name, order, RMA or booking</label><input id="history-q" type="search" maxlength="100" autocomplete="off" spellcheck="false"></div>
        <div><label for="history-channel">Channel</label>
          <select id="history-channel">
            <option value="">Any</option>
            <option value="directline">Web chat</option>
            <option value="telegram">Telegram</option>
            <option value="whatsapp">WhatsApp</option>
            <option value="msteams">Microsoft Teams</option>
          </select></div>
        <div><label for="history-agent">Agent (username)</label><input id="history-agent" autocomplete="off" spellcheck="false"></div>
        <div><label for="history-outcome">Result</label>
          <select id="history-outcome">
            <option value="">Any</option>
            <option value="resolved">Resolved</option>
            <option value="notResolved">Not resolved</option>
            <option value="spam">Spam</option>
            <option value="other">Other</option>
            <option value="cancelledByCustomer">Customer left the queue</option>
            <option value="completed">Completed by the agent hub</option>
            <option value="failed">Agent hub failed</option>
          </select></div>
        <div><label for="history-from">Ended from</label><input id="history-from" type="date"></div>
        <div><label for="history-to">to</label><input id="history-to" type="date"></div>
        <button type="submit" id="history-search">Search</button>
      </form>
      <p id="history-error" role="alert"></p>
      <div id="history-results">
        <div>
          <ul id="history-list" aria-label="Ended cases"></ul>
          <p id="history-empty" class="muted" hidden>No ended case matches.</p>
          <div class="pager"><button type="button" id="history-prev">Previous</button><span id="history-page"></span><button type="button" id="history-next">Next</button></div>
        </div>
        <div id="history-detail" hidden>
          <h3 id="history-title" tabindex="-1"></h3>
          <dl id="history-facts"></dl>
          <h3 id="history-transcript-title">Transcript (read-only)</h3>
          <ol id="history-transcript" aria-labelledby="history-transcript-title"></ol>
          <h3>Open tickets</h3>
          <ul id="history-tickets"></ul>
          <p id="history-tickets-empty" class="muted">None.</p>
        </div>
      </div>
    </section>
    <section class="panel" id="canned-panel" aria-labelledby="canned-heading" hidden>
      <h2 id="canned-heading">Canned replies</h2>
      <form id="canned-form">
        <label for="canned-name">Name (typed after /)</label>
        <input id="canned-name" maxlength="40" autocomplete="off" spellcheck="false" required>
        <label for="canned-locale">Language</label>
        <select id="canned-locale"><option value="en">English</option><option value="es">Español</option><option value="zh-CN">简体中文</option><option value="zh-TW">繁體中文</option><option value="lv">Latviešu</option></select>
        <label for="canned-team">Team</label>
        <select id="canned-team"></select>
        <label for="canned-text">Text</label>
        <textarea id="canned-text" rows="3" maxlength="4000" aria-describedby="canned-placeholders" required></textarea>
        <p id="canned-placeholders" class="muted"></p>
        <button type="submit" id="canned-save">Add canned reply</button>
        <button type="button" id="canned-cancel">Clear</button>
        <p id="canned-error" role="alert"></p>
      </form>
      <ul id="canned-list"></ul>
      <p id="canned-empty" class="muted">No canned replies yet.</p>
    </section>
  </div>
</main>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * NOTE: only this page's own inline script and style may run (by hash), it may only talk to
 * its own origin, and no other site may frame it: an agent's session reaches customer data.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(PAGE_SCRIPT)}`,
  `style-src ${sha256(PAGE_STYLE)}`,
  "connect-src 'self'",
  // data: for the link code an admin scans (an SVG the API draws).
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Mounts `GET /console`, the agent console page (it talks to the API of `mountConsoleApi`). */
export function mountConsolePage(server: restify.Server): void {
  server.get('/console', (_req: Request, res: Response, next: Next) => {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(PAGE_HTML),
      'Cache-Control': 'no-store',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(PAGE_HTML);
    next();
  });
}
