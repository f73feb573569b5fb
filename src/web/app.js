// SPDX-License-Identifier: GPL-3.0-or-later
// The audience page: the person list, who is connected, the add form and
// the raw frames.  The event stream itself is shared by every tab of the
// browser through shared-stream.js (see stream.js); where a browser cannot
// share, or the presenter turns sharing off, the tab holds its own.  Every
// piece of data from the network is set with textContent, never as HTML.
// The add form is in form.js.  Served after stream.js, strings.js and
// form.js in one file (see src/core/meson.build).
'use strict';

const WIRE_MAX = 100;
const CLIENTS_SHOWN = 200;
const HIGHLIGHT_MS = 2500;
// States in which the hub answers this page (a full hub still takes posts).
const REACHABLE = ['connected', 'full'];

function pickLanguage () {
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary in STRINGS)
      return primary;
  }
  return 'en';
}

const lang = pickLanguage();
const strings = STRINGS[lang];

function t (key, ...args) {
  const value = strings[key];
  if (typeof value === 'function')
    return value(...args);
  return value.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)]));
}

const $ = id => document.getElementById(id);

const state = {
  myId: null,
  persons: null,        // null until the first list arrives
  clients: [],
  countdown: null,
  worker: null,         // the port to the shared worker, if the browser has one
  shared: null,         // whether this tab reads the shared stream
  ownStream: null,      // the tab's own stream when it does not
  tabs: 1,              // tabs of this browser on the hub
  streams: null,        // streams they hold, null when unknown
  connected: false,
  reachable: false,
  adding: false,        // an add is under way
  waitUntil: 0,         // no add before this time (the hub's Retry-After)
  waitTimer: null,
  clientsKnown: false,  // a client list has arrived since the page opened
  // ?transport=ws: the tab's own WebSocket instead of the shared stream
  transport: new URLSearchParams(location.search).get('transport') === 'ws' ? 'ws' : 'sse',
  socket: null,
  replies: new Map(),   // addPerson id → what to do with the hub's reply
};

function translatePage () {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const element of document.querySelectorAll('[data-i18n]'))
    element.textContent = t(element.dataset.i18n);
  $('wire-scroll').setAttribute('aria-label', t('wireLog'));
  document.title = t('title');
}

/* Connection state ------------------------------------------------------- */

function stopCountdown () {
  clearInterval(state.countdown);
  state.countdown = null;
  $('status-countdown').textContent = '';
}

// The state text is a live region: it only changes when the state does, so a
// screen reader hears "reconnecting" once, not every second of the countdown.
function setStatus ({ kind, key, until, limit }) {
  $('status').className = `status status-${kind}`;
  const text = t(key, limit);
  if ($('status-text').textContent !== text)
    $('status-text').textContent = text;

  setConnected(kind === 'connected');
  state.reachable = REACHABLE.includes(kind);
  renderButton();
  stopCountdown();
  if (until <= Date.now())
    return;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0) {
      $('status-countdown').textContent = t('seconds', left);
    } else {
      stopCountdown();
    }
  };
  tick();
  state.countdown = setInterval(tick, 250);
}

// Figures from a stream that is gone are not current: they say so.
function setConnected (connected) {
  state.connected = connected;
  $('stale-note').hidden = connected || state.persons === null;
  for (const id of ['persons', 'clients', 'persons-count', 'clients-count'])
    $(id).classList.toggle('stale', !connected);
  if (!connected)
    state.myId = null;
  renderPersonsCount();
  renderClients();
}

function renderPersonsCount () {
  const count = state.persons === null ? '' : t('personsCount', state.persons.length);
  $('persons-count').textContent = state.connected || count === '' ? count : t('lastKnown', count);
}

/* Persons ------------------------------------------------------------------ */

function personKey (person) {
  return `${person.name}\u0000${person.age}`;
}

function announce (text) {
  $('announcer').textContent = text;
}

function renderPersons (persons) {
  const previous = new Map();
  if (state.persons !== null) {
    for (const person of state.persons)
      previous.set(personKey(person), (previous.get(personKey(person)) || 0) + 1);
  }

  const items = [];
  const added = [];
  for (const person of persons) {
    const item = document.createElement('li');
    const name = document.createElement('span');
    const age = document.createElement('span');
    name.className = 'person-name';
    age.className = 'person-age';
    name.textContent = person.name;
    age.textContent = String(person.age);
    item.append(name, age);

    // New since the last list: highlighted for a moment.
    const key = personKey(person);
    const seen = previous.get(key) || 0;
    if (seen > 0) {
      previous.set(key, seen - 1);
    } else if (state.persons !== null) {
      item.classList.add('new');
      setTimeout(() => item.classList.remove('new'), HIGHLIGHT_MS);
      added.push(person);
    }
    items.push(item);
  }
  $('persons').replaceChildren(...items);

  // The list is replaced whole, so it is not a live region itself: say what
  // changed instead of reading every name again.
  if (state.persons !== null) {
    const removed = [...previous.values()].some(count => count > 0);
    if (removed)
      announce(t('listChanged', persons.length));
    else if (added.length === 1)
      announce(t('personAdded', added[0].name, added[0].age));
    else if (added.length > 1)
      announce(t('personsAdded', added.length));
  }

  state.persons = persons;
  renderPersonsCount();
  $('persons-empty').hidden = persons.length > 0;
}

/* Clients ------------------------------------------------------------------ */

function renderClients () {
  const items = [];
  const ids = state.clients;

  // Your own chip first, so it stays visible in a crowd.
  const ordered = ids.includes(state.myId)
    ? [state.myId, ...ids.filter(id => id !== state.myId)]
    : ids;
  for (const id of ordered.slice(0, CLIENTS_SHOWN)) {
    const item = document.createElement('li');
    item.textContent = `#${id}`;
    if (id === state.myId) {
      item.classList.add('you');
      const you = document.createElement('span');
      you.className = 'you-label';
      you.textContent = state.shared && state.tabs > 1 ? t('youTabs', state.tabs) : t('you');
      item.append(' ', you);
      item.setAttribute('aria-current', 'true');
    }
    items.push(item);
  }
  if (ordered.length > CLIENTS_SHOWN) {
    const more = document.createElement('li');
    more.className = 'more';
    more.textContent = t('more', ordered.length - CLIENTS_SHOWN);
    items.push(more);
  }
  $('clients').replaceChildren(...items);
  let count = state.clientsKnown ? t('clientsCount', ids.length) : '';
  if (!state.connected && count !== '')
    count = t('lastKnown', count);
  if ($('clients-count').textContent !== count)
    $('clients-count').textContent = count;
}

/* Writes ------------------------------------------------------------------- */

function setWrites (writes) {
  $('add-form').hidden = !writes;
  $('writes-off').hidden = writes;
}

/* The raw frames ----------------------------------------------------------- */

// count: how many heartbeats in a row the entry stands for; at: when the
// frame arrived (a tab that joins late shows frames from before it).
function stamp (time, count = 1, at = Date.now()) {
  const now = new Date(at);
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString(lang === 'zh' ? 'zh-CN' : undefined);
  if (count > 1) {
    const repeated = document.createElement('span');
    repeated.className = 'repeated';
    repeated.textContent = t('repeated', count);
    time.append(' ', repeated);
  }
}

function logLines (lines, at = Date.now()) {
  const log = $('wire');
  // A heartbeat is the same every time: those in a row share one entry.
  const newest = log.firstElementChild;
  if (newest !== null && newest.dataset.heartbeat !== undefined && lines[0] === 'event: heartbeat') {
    const count = Number(newest.dataset.heartbeat) + 1;
    newest.dataset.heartbeat = String(count);
    stamp(newest.querySelector('time'), count, at);
    return;
  }

  const item = document.createElement('li');
  const time = document.createElement('time');
  const frame = document.createElement('pre');
  stamp(time, 1, at);
  // The blank line that ends the frame is part of it.
  frame.textContent = `${lines.join('\n')}\n\n`;
  item.append(time, frame);
  if (lines[0] === 'event: heartbeat')
    item.dataset.heartbeat = '1';

  log.prepend(item);
  while (log.children.length > WIRE_MAX)
    log.lastElementChild.remove();
}

// EventSource hands scripts the parsed fields only; this puts the frame back
// together as it was on the wire.
function logFrame (event) {
  if (event.wire !== undefined) {
    logLines([event.wire, t('socketBytes', event.wireBytes, sseFrameBytes(event))], event.time);
    return;
  }
  logLines(sseFrameLines(event), event.time);
}

// The same event as SSE would frame it: the comparison beside each message.
function sseFrameBytes (event) {
  return new TextEncoder().encode(`${sseFrameLines(event).join('\n')}\n\n`).length;
}

function sseFrameLines (event) {
  const lines = [];
  if (event.type !== 'message')
    lines.push(`event: ${event.type}`);
  if (event.wireId)
    lines.push(`id: ${event.wireId}`);
  for (const line of event.data.split('\n'))
    lines.push(line === '' ? 'data:' : `data: ${line}`);
  return lines;
}

/* What the stream says ------------------------------------------------------ */

function parse (event) {
  try {
    return JSON.parse(event.data);
  } catch {
    return null;
  }
}

function onHello (hello) {
  if (hello === null)
    return;
  state.myId = hello.id;
  setWrites(hello.writes !== false);
  renderClients();
}

function onList (persons) {
  if (Array.isArray(persons))
    renderPersons(persons);
}

function onClients (ids) {
  if (!Array.isArray(ids))
    return;
  state.clients = ids;
  state.clientsKnown = true;
  renderClients();
}

function onConfig (config) {
  if (config !== null && typeof config.writes === 'boolean')
    setWrites(config.writes);
}

const PRESENTER_EVENTS_SHOWN = 5;

// The presenter's named events: history, newest first, the data as text.
function showPresenterEvent (event) {
  const list = $('presenter-events');
  const item = document.createElement('li');
  const head = document.createElement('p');
  const name = document.createElement('strong');
  const time = document.createElement('time');
  const data = document.createElement('pre');
  name.className = 'event-name';
  name.textContent = event.type;
  head.append(name);
  if (event.lastEventId) {
    const id = document.createElement('span');
    id.className = 'event-id';
    id.textContent = t('eventId', event.lastEventId);
    head.append(' ', id);
  }
  stamp(time, 1, event.time);
  head.append(' ', time);
  data.textContent = event.data;
  item.append(head, data);
  list.prepend(item);
  while (list.children.length > PRESENTER_EVENTS_SHOWN)
    list.lastElementChild.remove();
  $('presenter-events-card').hidden = false;
}

const HANDLERS = { hello: onHello, message: onList, client: onClients, config: onConfig };

// What a frame does: show it on the wire (log), and act on it (act).  A
// tab that joins late gets the shared stream's recent frames to log, then
// the newest state to act on.
function applyEvent (event, { log = true, act = true } = {}) {
  const data = parse(event);
  // The retry field came just before hello, which repeats its value.
  if (log && event.wire === undefined && event.type === 'hello' && Number.isFinite(data?.retry))
    logLines([`retry: ${data.retry}`], event.time);
  if (event.custom && log)
    showPresenterEvent(event);
  else if (!event.custom && act)
    HANDLERS[event.type]?.(data);
  if (log)
    logFrame(event);
}

/* One stream per browser ------------------------------------------------------ */

function renderSharing () {
  const info = $('sharing-info');
  const toggle = $('share-switch');
  if (state.transport === 'ws') {
    toggle.disabled = true;
    // Its words come with the socket's script.
    info.textContent = state.socket !== null ? t('socketOwn') : '';
    return;
  }
  toggle.disabled = state.worker === null;
  toggle.checked = state.shared !== false && state.worker !== null;
  if (state.worker === null)
    info.textContent = t('cannotShare');
  else if (state.shared)
    info.textContent = t('sharedTabs', state.tabs);
  else
    info.textContent = t('ownTabs', state.streams ?? 0);
}

function tellWorker (message) {
  state.worker?.postMessage(message);
}

// Off, the tab opens its own EventSource, as a page written the plain way
// would: the presenter can show the browser's limit live.
function setShared (shared) {
  if (shared === state.shared)
    return;
  state.shared = shared;
  state.ownStream?.stop();
  state.ownStream = null;
  if (!shared) {
    const stream = new SseHubStream({
      onEvent: event => applyEvent(event),
      onStatus: setStatus,
      onOpenChange: open => tellWorker({ type: 'own-stream', open }),
      otherStreams: () => (state.streams === null ? null : state.streams - (stream.isOpen ? 1 : 0)),
    });
    state.ownStream = stream;
    stream.setOffline(navigator.onLine === false);
    stream.start();
  }
  renderSharing();
  renderClients();
}

function fromWorker (message) {
  switch (message.type) {
  case 'mode':
    setShared(message.share);
    break;
  case 'event':
    if (state.shared)
      applyEvent(message.event, { log: !message.replay });
    break;
  case 'history':
    if (state.shared) {
      for (const event of message.events)
        applyEvent(event, { act: false });
    }
    break;
  case 'status':
    if (state.shared)
      setStatus(message.status);
    break;
  case 'tabs':
    state.tabs = message.tabs;
    state.streams = message.streams;
    renderSharing();
    renderClients();
    break;
  }
}

function joinWorker () {
  const requested = new URLSearchParams(location.search).get('share');
  tellWorker({
    type: 'join',
    share: requested === null ? null : requested !== '0',
    online: navigator.onLine !== false,
  });
}

/* Over a WebSocket --------------------------------------------------------- */

// Only a page on the WebSocket loads its script: an SSE page's first load
// stays as small as it was.
function loadSocketScript () {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'socket-stream.js';
    script.onload = resolve;
    script.onerror = reject;
    document.head.append(script);
  });
}

async function startSocket () {
  await loadSocketScript();
  // eslint-disable-next-line no-undef
  state.socket = new SseHubSocket({
    onEvent: event => applyEvent(event),
    onStatus: setStatus,
    onReply: reply => state.replies.get(reply.id)?.(reply),
  });
  state.socket.setOffline(navigator.onLine === false);
  state.socket.start();
  renderSharing();
}

function renderTransport () {
  $('transport-info').textContent = t(state.transport === 'ws' ? 'transportWs' : 'transportSse');
  for (const input of document.querySelectorAll('input[name="transport"]')) {
    input.checked = input.value === state.transport;
    input.addEventListener('change', () => {
      const url = new URL(location.href);
      url.searchParams.set('transport', input.value);
      location.assign(url);
    });
  }
}

function startStream () {
  if (state.transport === 'ws') {
    startSocket();
    return;
  }
  if (typeof SharedWorker === 'function') {
    try {
      state.worker = new SharedWorker('shared-stream.js', { name: 'sse-hub' }).port;
    } catch {
      state.worker = null;
    }
  }
  if (state.worker === null) {
    setShared(false);
    return;
  }
  state.worker.addEventListener('message', event => fromWorker(event.data));
  state.worker.start();
  joinWorker();
  // A tab that leaves, or goes into the back-forward cache, stops counting.
  window.addEventListener('pagehide', () => tellWorker({ type: 'bye' }));
  window.addEventListener('pageshow', event => {
    if (event.persisted)
      joinWorker();
  });
  $('share-switch').addEventListener('change', event =>
    tellWorker({ type: 'share', share: event.target.checked }));
}

function onNetwork () {
  tellWorker({ type: 'network', online: navigator.onLine !== false });
  state.ownStream?.setOffline(navigator.onLine === false);
  state.socket?.setOffline(navigator.onLine === false);
}

/* Start -------------------------------------------------------------------- */

translatePage();
renderTransport();
renderClients();
renderButton();
$('add-form').addEventListener('submit', onSubmit);
for (const id of ['name', 'age']) {
  $(id).addEventListener('input', () => {
    $(`${id}-error`).textContent = '';
    $('form-status').textContent = '';
    $(id).removeAttribute('aria-invalid');
  });
}
window.addEventListener('offline', onNetwork);
window.addEventListener('online', onNetwork);
startStream();
