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
    reconnecting: 'Connection lost. Reconnecting…',
    full: 'The hub is full. Waiting for a free place…',
    unreachable: 'Cannot reach the hub. Trying again…',
    offline: 'Offline. Waiting for the network…',
    seconds: '{0} s',
    persons: 'Persons',
    personsCount: n => (n === 1 ? '1 person' : `${n} persons`),
    stale: 'Not connected: this list may be out of date.',
    noPersons: 'Nobody yet. Add the first person!',
    personAdded: (name, age) => `New: ${name}, ${age}`,
    personsAdded: n => `${n} new persons`,
    listChanged: n => (n === 1 ? 'The list changed: 1 person' : `The list changed: ${n} persons`),
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
    wireHint: 'Each frame as the hub sent it, newest first, in the text/event-stream format that ' +
      'EventSource reads. A blank line ends each one. Comments such as ": keep-alive" never ' +
      'reach scripts, so they do not show here.',
  },
  zh: {
    title: 'SSE Hub',
    connecting: '正在连接…',
    connected: '已连接：更新实时到达',
    reconnecting: '连接已断开，正在重新连接…',
    full: '服务器已满，正在等待空位…',
    unreachable: '无法连接到服务器，稍后重试…',
    offline: '离线，正在等待网络…',
    seconds: '{0} 秒',
    persons: '人员',
    personsCount: n => `${n} 人`,
    stale: '未连接：此列表可能已过时。',
    noPersons: '还没有人。添加第一个人吧！',
    personAdded: (name, age) => `新增：${name}，${age}`,
    personsAdded: n => `新增 ${n} 人`,
    listChanged: n => `列表已更新：${n} 人`,
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
    wireHint: '服务器发送的每一帧，最新的在最前，即 EventSource 读取的 text/event-stream 原始文本。' +
      '每一帧以一个空行结束。": keep-alive" 之类的注释不会交给脚本，因此不在此显示。',
  },
};

const WIRE_MAX = 100;
const CLIENTS_SHOWN = 200;
const HIGHLIGHT_MS = 2500;
const UNREACHABLE_RETRY_MS = 5000;
const FULL_RETRY_MS = 30000;

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
  retryMs: 3000,
  lastEventId: null,
  persons: null,        // null until the first list arrives
  clients: [],
  countdown: null,
  retryTimer: null,
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
  $('status-countdown').textContent = '';
}

// The state text is a live region: it only changes when the state does, so a
// screen reader hears "reconnecting" once, not every second of the countdown.
function setStatus (kind, key, countdownMs = 0) {
  $('status').className = `status status-${kind}`;
  const text = t(key);
  if ($('status-text').textContent !== text)
    $('status-text').textContent = text;

  stopCountdown();
  if (countdownMs <= 0)
    return;
  const until = Date.now() + countdownMs;
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

function setConnected (connected) {
  $('stale-note').hidden = connected || state.persons === null;
  $('persons').classList.toggle('stale', !connected);
  $('clients').classList.toggle('stale', !connected);
  if (!connected) {
    state.myId = null;
    renderClients();
  }
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
  $('persons-count').textContent = t('personsCount', persons.length);
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
  $('clients').replaceChildren(...items);
  const count = t('clientsCount', ids.length);
  if ($('clients-count').textContent !== count)
    $('clients-count').textContent = count;
}

/* Writes ------------------------------------------------------------------- */

function setWrites (writes) {
  $('add-form').hidden = !writes;
  $('writes-off').hidden = writes;
}

/* The raw frames ----------------------------------------------------------- */

function logLines (lines) {
  const item = document.createElement('li');
  const time = document.createElement('time');
  const frame = document.createElement('pre');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString(lang === 'zh' ? 'zh-CN' : undefined);
  // The blank line that ends the frame is part of it.
  frame.textContent = `${lines.join('\n')}\n\n`;
  item.append(time, frame);

  const log = $('wire');
  log.prepend(item);
  while (log.children.length > WIRE_MAX)
    log.lastElementChild.remove();
}

// EventSource hands scripts the parsed fields only; this puts the frame back
// together as it was on the wire.
function logFrame (event) {
  const lines = [];
  if (event.type !== 'message')
    lines.push(`event: ${event.type}`);
  if (event.type === 'message' && event.lastEventId)
    lines.push(`id: ${event.lastEventId}`);
  for (const line of event.data.split('\n'))
    lines.push(line === '' ? 'data:' : `data: ${line}`);
  logLines(lines);
}

/* The stream --------------------------------------------------------------- */

function parse (event) {
  try {
    return JSON.parse(event.data);
  } catch {
    return null;
  }
}

function onHello (event) {
  const hello = parse(event);
  // The retry field came just before hello, which repeats its value.
  if (hello !== null && Number.isFinite(hello.retry)) {
    state.retryMs = hello.retry;
    logLines([`retry: ${hello.retry}`]);
  }
  logFrame(event);
  if (hello === null)
    return;
  state.myId = hello.id;
  setWrites(hello.writes !== false);
  setStatus('connected', 'connected');
  // The hub sends the list right after hello unless ours is current.
  setConnected(true);
  renderClients();
}

function onList (event) {
  logFrame(event);
  const persons = parse(event);
  if (!Array.isArray(persons))
    return;
  state.lastEventId = event.lastEventId || state.lastEventId;
  renderPersons(persons);
}

function onClients (event) {
  logFrame(event);
  const ids = parse(event);
  if (!Array.isArray(ids))
    return;
  state.clients = ids;
  renderClients();
}

function onConfig (event) {
  logFrame(event);
  const config = parse(event);
  if (config !== null && typeof config.writes === 'boolean')
    setWrites(config.writes);
}

function onFull (event) {
  logFrame(event);
  const full = parse(event);
  state.full = true;
  state.retryMs = full !== null && Number.isFinite(full.retryMs) ? full.retryMs : FULL_RETRY_MS;
}

function onError (event) {
  if (event.target !== state.source)
    return;
  setConnected(false);

  if (state.source.readyState === EventSource.CONNECTING) {
    // EventSource comes back by itself after the retry delay.  "Full" is
    // about this one refusal: a later try may fail for another reason.
    const kind = state.full ? 'full' : 'reconnecting';
    state.full = false;
    setStatus(kind, kind, state.retryMs);
    return;
  }

  // EventSource gave up (a status other than 200, say from a proxy): start
  // over later with a new one.
  state.source.close();
  state.source = null;
  setStatus('offline', 'unreachable', UNREACHABLE_RETRY_MS);
  clearTimeout(state.retryTimer);
  state.retryTimer = setTimeout(connect, UNREACHABLE_RETRY_MS);
}

function connect () {
  clearTimeout(state.retryTimer);
  if (state.source !== null)
    state.source.close();

  setStatus('connecting', 'connecting');
  // A new EventSource cannot send Last-Event-ID; the query carries it so the
  // hub skips a list we already have.
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

// Without a network, retries only fail: wait for it to come back, then
// connect at once rather than after whatever delay was running.
function goOffline () {
  clearTimeout(state.retryTimer);
  if (state.source !== null) {
    state.source.close();
    state.source = null;
  }
  setConnected(false);
  setStatus('offline', 'offline');
}

/* The form ----------------------------------------------------------------- */

function showError (field, message) {
  const input = field === 'name' || field === 'age' ? $(field) : null;
  const target = input !== null ? $(`${field}-error`) : $('form-error');
  target.textContent = message;
  if (input !== null) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

function clearErrors () {
  for (const id of ['name-error', 'age-error', 'form-error', 'form-status'])
    $(id).textContent = '';
  for (const id of ['name', 'age'])
    $(id).removeAttribute('aria-invalid');
}

async function onSubmit (event) {
  event.preventDefault();
  clearErrors();

  const button = $('add-button');
  button.disabled = true;
  button.textContent = t('adding');

  try {
    // The hub owns the rules: whatever it refuses, it explains.
    const response = await fetch('addPerson', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: $('name').value, age: $('age').value }),
    });
    const answer = await response.json().catch(() => null);
    if (response.ok && answer !== null) {
      $('name').value = '';
      $('form-status').textContent = t('added', answer.name);
      $('name').focus();
    } else {
      showError(answer?.field, answer?.error || `HTTP ${response.status}`);
    }
  } catch {
    showError(null, t('networkError'));
  } finally {
    button.disabled = false;
    button.textContent = t('add');
  }
}

/* Start -------------------------------------------------------------------- */

translatePage();
renderClients();
$('add-form').addEventListener('submit', onSubmit);
for (const id of ['name', 'age']) {
  $(id).addEventListener('input', () => {
    $(`${id}-error`).textContent = '';
    $('form-status').textContent = '';
    $(id).removeAttribute('aria-invalid');
  });
}
window.addEventListener('offline', goOffline);
window.addEventListener('online', connect);
if (navigator.onLine === false)
  goOffline();
else
  connect();
