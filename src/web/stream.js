// SPDX-License-Identifier: GPL-3.0-or-later
// One EventSource on /connect and the truth about it: connecting, live,
// waiting to retry, full, offline, gone quiet, or unable to get a
// connection at all.  Runs in the shared worker (one stream for every tab
// of the browser) or, where there is none or sharing is off, in the tab.
'use strict';

const STREAM_EVENTS = ['hello', 'message', 'client', 'config', 'full', 'heartbeat'];
// EventSource's own events: never a presenter's.
const SOURCE_EVENTS = ['open', 'error'];
// A browser opens at most six HTTP/1.1 connections to one address.
const BROWSER_CONNECTION_LIMIT = 6;
const CONNECT_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MAX_MS = 30000;
const UNREACHABLE_RETRY_MS = 5000;
const FULL_RETRY_MS = 30000;
// Silence longer than this many heartbeat intervals means a dead path.
const SILENCE_INTERVALS = 2.5;

// eslint-disable-next-line no-unused-vars
class SseHubStream {
  // onEvent({type, data, lastEventId, wireId, custom, time}),
  // onStatus({kind, key, until, limit}),
  // onOpenChange(open); otherStreams() returns how many other streams this
  // browser holds to the hub, or null when it cannot know.
  constructor ({ onEvent, onStatus, onOpenChange = () => {}, otherStreams = () => null }) {
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onOpenChange = onOpenChange;
    this.otherStreams = otherStreams;
    this.source = null;
    this.open = false;
    this.started = false;
    this.offline = false;
    this.full = null;       // the refusal of the try under way: { address, limit }
    this.retryMs = 3000;
    this.heartbeatMs = 0;
    this.connectTimeoutMs = CONNECT_TIMEOUT_MS;
    this.lastEventId = null;
    this.stuck = false;     // tried for longer than a connect takes, in vain
    this.deadline = null;
    this.retryTimer = null;
  }

  get isOpen () {
    return this.open;
  }

  start () {
    this.started = true;
    if (this.offline)
      this.status('offline', 'offline');
    else
      this.connect('connecting');
  }

  stop () {
    this.started = false;
    this.close();
  }

  // Without a network, retries only fail: wait for it to come back, then
  // connect at once rather than after whatever delay was running.
  setOffline (offline) {
    if (offline === this.offline)
      return;
    this.offline = offline;
    if (!this.started)
      return;
    if (offline) {
      this.close();
      this.status('offline', 'offline');
    } else {
      this.connect('connecting');
    }
  }

  status (kind, key, waitMs = 0, limit = null) {
    this.onStatus({ kind, key, until: waitMs > 0 ? Date.now() + waitMs : 0, limit });
  }

  setOpen (open) {
    if (open === this.open)
      return;
    this.open = open;
    this.onOpenChange(open);
  }

  close () {
    clearTimeout(this.deadline);
    clearTimeout(this.retryTimer);
    if (this.source !== null) {
      this.source.close();
      this.source = null;
    }
    this.full = null;
    this.setOpen(false);
  }

  // kind: the state to show while the new stream opens; null keeps what the
  // page says now (the reason it is reconnecting).
  connect (kind) {
    this.close();
    if (kind !== null)
      this.status(kind, kind);
    // A new EventSource cannot send Last-Event-ID; the query carries it so
    // the hub skips a list we already have.
    const url = this.lastEventId !== null
      ? `connect?lastEventId=${encodeURIComponent(this.lastEventId)}`
      : 'connect';
    const source = new EventSource(url);
    for (const type of STREAM_EVENTS)
      source.addEventListener(type, event => this.receive(event));
    source.addEventListener('error', event => this.failed(event));
    this.source = source;
    this.customNames = new Set();
    this.seenId = '';
    this.expectWithin(this.connectTimeoutMs);
  }

  expectWithin (ms) {
    clearTimeout(this.deadline);
    this.deadline = ms > 0
      ? setTimeout(() => {
        this.deadline = null;
        this.silent();
      }, ms)
      : null;
  }

  // Nothing came in time: a stream that had been live went quiet (a path
  // that died without a word), or a new one never got through.
  async silent () {
    if (this.open) {
      this.connect(null);
      this.status('stale', 'quiet');
      return;
    }
    const others = await this.otherStreams();
    if (!this.started)
      return;
    const blocked = others !== null && others >= BROWSER_CONNECTION_LIMIT;
    this.stuck = true;
    this.connectTimeoutMs = Math.min(this.connectTimeoutMs * 2, CONNECT_TIMEOUT_MAX_MS);
    this.connect(null);
    this.status(blocked ? 'blocked' : 'offline', blocked ? 'blocked' : 'unreachable');
  }

  parse (data) {
    try {
      return JSON.parse(data);
    } catch {
      return null;
    }
  }

  receive (event) {
    if (event.target !== this.source)
      return;
    if (event.type === 'hello' || event.type === 'config')
      this.listenFor(this.parse(event.data)?.events);
    if (event.type === 'hello')
      this.hello(this.parse(event.data));
    else if (event.type === 'message' && event.lastEventId)
      this.lastEventId = event.lastEventId;
    else if (event.type === 'full')
      this.refused(this.parse(event.data));

    const custom = this.customNames.has(event.type);
    // EventSource keeps the last id for every later event.  The hub sends
    // the list's revision again on a presenter's event without an id that
    // follows one with an id: so a presenter's id is whatever differs from
    // the revision, repeats included, and an id line was on the wire when
    // the event is the list, has an id of its own, or changed the id.
    const id = event.lastEventId;
    const own = custom && id !== this.lastEventId ? id : '';
    const wireId = event.type === 'message' || own !== '' || (custom && id !== this.seenId) ? id : '';
    this.seenId = id;
    this.onEvent({ type: event.type, data: event.data, lastEventId: custom ? own : id, wireId,
      custom, time: Date.now() });
    if (event.type === 'hello' && this.open)
      this.status('connected', 'connected');
    // Every frame proves the path alive until the next heartbeat is due.
    if (this.open && this.heartbeatMs > 0)
      this.expectWithin(this.heartbeatMs * SILENCE_INTERVALS);
  }

  // The presenter's named events, announced in hello and config before the
  // first of each arrives: EventSource hands a named event only to a
  // listener for its name.
  listenFor (names) {
    if (!Array.isArray(names))
      return;
    for (const name of names) {
      if (typeof name !== 'string' || STREAM_EVENTS.includes(name) ||
          SOURCE_EVENTS.includes(name) || this.customNames.has(name))
        continue;
      this.customNames.add(name);
      this.source.addEventListener(name, event => this.receive(event));
    }
  }

  hello (hello) {
    if (hello === null)
      return;
    // The retry field came just before hello, which repeats its value.
    if (Number.isFinite(hello.retry))
      this.retryMs = hello.retry;
    // A hub that announces no heartbeat cannot be held to one.
    this.heartbeatMs = Number.isFinite(hello.heartbeatMs) ? hello.heartbeatMs : 0;
    this.connectTimeoutMs = CONNECT_TIMEOUT_MS;
    this.stuck = false;
    if (this.heartbeatMs === 0)
      this.expectWithin(0);
    this.setOpen(true);
  }

  // "address-full": this computer holds the most streams one computer may,
  // which no wait for a free place in the hub will cure.
  refused (full) {
    this.full = { address: full?.reason === 'address-full', limit: full?.limit ?? null };
    this.retryMs = full !== null && Number.isFinite(full.retryMs) ? full.retryMs : FULL_RETRY_MS;
  }

  failed (event) {
    if (event.target !== this.source)
      return;
    this.setOpen(false);

    if (this.source.readyState === EventSource.CONNECTING) {
      // EventSource comes back by itself after the retry delay.  "Full" is
      // about this one refusal: a later try may fail for another reason.
      // Tries that fail one after the other (a browser out of connections
      // fails its queued ones now and then) neither hide why nor put off
      // the moment the page says it cannot connect.
      const full = this.full;
      this.full = null;
      if (full !== null)
        this.status('full', full.address ? 'addressFull' : 'full', this.retryMs, full.limit);
      else if (!this.stuck)
        this.status('reconnecting', 'reconnecting', this.retryMs);
      if (this.deadline === null)
        this.expectWithin(this.retryMs + this.connectTimeoutMs);
      return;
    }

    // EventSource gave up (a status other than 200, say from a proxy): start
    // over later with a new one.
    this.close();
    this.status('offline', 'unreachable', UNREACHABLE_RETRY_MS);
    this.retryTimer = setTimeout(() => this.connect(null), UNREACHABLE_RETRY_MS);
  }
}
