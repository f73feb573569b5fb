// SPDX-License-Identifier: GPL-3.0-or-later
// The audience page: one EventSource on /connect, the person list, who is
// connected, the add form and the raw frames.  Every piece of data from the
// network is set with textContent, never as HTML.
'use strict';

const STRINGS = {
  en: {
    title: 'SSE Hub',
    connecting: 'Connecting…',
    connected: 'Connected: updates arrive live',
    reconnectingIn: 'Connection lost. Reconnecting in {0} s…',
    reconnecting: 'Connection lost. Reconnecting…',
    offline: 'Offline. Waiting for the network…',
    fullIn: 'The hub is full. Trying again in {0} s…',
    persons: 'Persons',
    personsCount: n => (n === 1 ? '1 person' : `${n} persons`),
    stale: 'Not connected: this list may be out of date.',
    noPersons: 'Nobody yet. Add the first person!',
    addPerson: 'Add a person',
    name: 'Name',
    age: 'Age',
    add: 'Add',
    adding: 'Adding…',
    added: 'Added {0}.',
    networkError: 'Could not reach the hub. Check the connection and try again.',
    writesOff: 'The presenter has turned off adding persons. Watch the list change live.',
    clients: 'Connected',
    clientsCount: n => (n === 1 ? '1 browser' : `${n} browsers`),
    you: 'you',
    more: '+{0} more',
    wire: 'On the wire',
    wireHint: 'Each event as the hub sent it, in the text/event-stream format that EventSource reads. Comments such as ": keep-alive" never reach scripts, so they do not show here.',
  },
  zh: {
    title: 'SSE Hub',
    connecting: '正在连接…',
    connected: '已连接：更新实时到达',
    reconnectingIn: '连接已断开，{0} 秒后重新连接…',
    reconnecting: '连接已断开，正在重新连接…',
    offline: '离线，正在等待网络…',
    fullIn: '服务器已满，{0} 秒后重试…',
    persons: '人员',
    personsCount: n => `${n} 人`,
    stale: '未连接：此列表可能已过时。',
    noPersons: '还没有人。添加第一个人吧！',
    addPerson: '添加人员',
    name: '姓名',
    age: '年龄',
    add: '添加',
    adding: '正在添加…',
    added: '已添加 {0}。',
    networkError: '无法连接到服务器。请检查网络后重试。',
    writesOff: '演示者已关闭添加人员。请观看列表的实时变化。',
    clients: '已连接',
    clientsCount: n => `${n} 个浏览器`,
    you: '你',
    more: '还有 {0} 个',
    wire: '线路上的数据',
    wireHint: '服务器发送的每个事件，即 EventSource 读取的 text/event-stream 原始文本。": keep-alive" 之类的注释不会交给脚本，因此不在此显示。',
  },
};

const WIRE_MAX = 100;
const CLIENTS_SHOWN = 200;
const HIGHLIGHT_MS = 2500;
const OFFLINE_RETRY_MS = 5000;

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
  source: null,
  myId: null,
  writes: true,
  retryMs: 3000,
  lastEventId: null,
  persons: null,        // null until the first list arrives
  clients: [],
  countdown: null,
  offlineTimer: null,
  full: false,
};

function translatePage () {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const element of document.querySelectorAll('[data-i18n]'))
    element.textContent = t(element.dataset.i18n);
  document.title = t('title');
}

/* Connection state ------------------------------------------------------- */

function stopCountdown () {
  clearInterval(state.countdown);
  state.countdown = null;
}

function setStatus (kind, text) {
  const status = $('status');
  status.className = `status status-${kind}`;
  $('status-text').textContent = text;
}

function countDown (key, ms) {
  stopCountdown();
  const until = Date.now() + ms;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0) {
      setStatus(key === 'fullIn' ? 'full' : 'reconnecting', t(key, left));
    } else {
      stopCountdown();
      setStatus('reconnecting', t('reconnecting'));
    }
  };
  tick();
  state.countdown = setInterval(tick, 250);
}

function markStale (stale) {
  $('stale-note').hidden = !stale || state.persons === null;
  $('persons').classList.toggle('stale', stale);
}

/* Persons ------------------------------------------------------------------ */

function personKey (person) {
  return `${person.name}\u0000${person.age}`;
}

function renderPersons (persons) {
  const previous = new Map();
  if (state.persons !== null) {
    for (const person of state.persons)
      previous.set(personKey(person), (previous.get(personKey(person)) || 0) + 1);
  }

  const list = $('persons');
  const items = [];
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
    }
    items.push(item);
  }
  list.replaceChildren(...items);

  state.persons = persons;
  $('persons-count').textContent = t('personsCount', persons.length);
  $('persons-empty').hidden = persons.length > 0;
}

/* Clients ------------------------------------------------------------------ */

function renderClients () {
  const list = $('clients');
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
      you.textContent = t('you');
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
  list.replaceChildren(...items);
  $('clients-count').textContent = t('clientsCount', ids.length);
}

/* Writes ------------------------------------------------------------------- */

function setWrites (writes) {
  state.writes = writes;
  $('add-form').hidden = !writes;
  $('writes-off').hidden = writes;
}

/* The raw frames ----------------------------------------------------------- */

function logFrame (event) {
  const lines = [];
  if (event.type !== 'message')
    lines.push(`event: ${event.type}`);
  if (event.type === 'message' && event.lastEventId)
    lines.push(`id: ${event.lastEventId}`);
  for (const line of event.data.split('\n'))
    lines.push(line === '' ? 'data:' : `data: ${line}`);

  const item = document.createElement('li');
  const time = document.createElement('time');
  const frame = document.createElement('pre');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString(lang === 'zh' ? 'zh-CN' : undefined);
  frame.textContent = `${lines.join('\n')}\n\n`;
  item.append(time, frame);

  const log = $('wire');
  log.prepend(item);
  while (log.children.length > WIRE_MAX)
    log.lastElementChild.remove();
}

/* The stream --------------------------------------------------------------- */

function parse (event) {
  logFrame(event);
  try {
    return JSON.parse(event.data);
  } catch {
    return null;
  }
}

function onHello (event) {
  const hello = parse(event);
  if (hello === null)
    return;
  state.full = false;
  state.myId = hello.id;
  if (Number.isFinite(hello.retry))
    state.retryMs = hello.retry;
  setWrites(hello.writes !== false);
  stopCountdown();
  setStatus('connected', t('connected'));
  // The hub sends the list right after hello unless ours is current.
  markStale(false);
  renderClients();
}

function onList (event) {
  const persons = parse(event);
  if (!Array.isArray(persons))
    return;
  state.lastEventId = event.lastEventId || state.lastEventId;
  renderPersons(persons);
  markStale(false);
}

function onClients (event) {
  const ids = parse(event);
  if (!Array.isArray(ids))
    return;
  state.clients = ids;
  renderClients();
}

function onConfig (event) {
  const config = parse(event);
  if (config !== null && typeof config.writes === 'boolean')
    setWrites(config.writes);
}

function onFull (event) {
  const full = parse(event);
  state.full = true;
  if (full !== null && Number.isFinite(full.retryMs))
    state.retryMs = full.retryMs;
}

function onError () {
  markStale(true);
  state.myId = null;
  renderClients();

  if (state.source.readyState === EventSource.CONNECTING) {
    countDown(state.full ? 'fullIn' : 'reconnectingIn', state.retryMs);
    return;
  }

  // EventSource gave up (the network said no outright): start over later.
  stopCountdown();
  setStatus('offline', t('offline'));
  state.source.close();
  clearTimeout(state.offlineTimer);
  state.offlineTimer = setTimeout(connect, OFFLINE_RETRY_MS);
}

function connect () {
  clearTimeout(state.offlineTimer);
  if (state.source !== null)
    state.source.close();

  // A fresh EventSource cannot send Last-Event-ID; the query carries it so
  // the hub skips a list we already have.
  const url = state.lastEventId !== null
    ? `connect?lastEventId=${encodeURIComponent(state.lastEventId)}`
    : 'connect';
  const source = new EventSource(url);
  source.addEventListener('hello', onHello);
  source.addEventListener('message', onList);
  source.addEventListener('client', onClients);
  source.addEventListener('config', onConfig);
  source.addEventListener('full', onFull);
  source.addEventListener('error', onError);
  state.source = source;
}

/* The form ----------------------------------------------------------------- */

function showFieldError (field, message) {
  const input = field === 'name' || field === 'age' ? $(field) : null;
  const target = input !== null ? $(`${field}-error`) : $('form-error');
  target.textContent = message;
  if (input !== null) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

function clearErrors () {
  for (const id of ['name-error', 'age-error', 'form-error'])
    $(id).textContent = '';
  for (const id of ['name', 'age'])
    $(id).removeAttribute('aria-invalid');
}

async function onSubmit (event) {
  event.preventDefault();
  clearErrors();

  const button = $('add-button');
  const name = $('name').value;
  const age = $('age').value;
  button.disabled = true;
  button.textContent = t('adding');

  try {
    // The hub owns the rules: whatever it refuses, it explains.
    const response = await fetch('addPerson', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, age }),
    });
    const answer = await response.json().catch(() => null);
    if (response.ok && answer !== null) {
      $('name').value = '';
      $('form-error').textContent = '';
      $('form-status').textContent = t('added', answer.name);
      $('name').focus();
    } else {
      showFieldError(answer?.field, answer?.error || `HTTP ${response.status}`);
    }
  } catch {
    showFieldError(null, t('networkError'));
  } finally {
    button.disabled = false;
    button.textContent = t('add');
  }
}

/* Start -------------------------------------------------------------------- */

translatePage();
renderClients();
$('persons-empty').hidden = true;
$('add-form').addEventListener('submit', onSubmit);
for (const id of ['name', 'age'])
  $(id).addEventListener('input', () => {
    $(`${id}-error`).textContent = '';
    $(id).removeAttribute('aria-invalid');
  });
window.addEventListener('online', () => {
  if (state.source === null || state.source.readyState === EventSource.CLOSED)
    connect();
});
window.addEventListener('offline', () => {
  markStale(true);
  setStatus('offline', t('offline'));
});
connect();
