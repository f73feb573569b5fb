// SPDX-License-Identifier: GPL-3.0-or-later
// The same stream over a WebSocket on /connect.  Unlike EventSource, a
// WebSocket never comes back by itself: this script reconnects it, with a
// growing delay and ?lastEventId=, and says that it did.  Each tab holds
// its own socket: WebSockets are not bound by the browser's six
// connections per host.
'use strict';

const SOCKET_RETRY_MS = 1000;
const SOCKET_RETRY_MAX_MS = 30000;
// The hub's own events carry JSON; a custom event's data is text.
const SOCKET_HUB_EVENTS = ['hello', 'message', 'client', 'config', 'full', 'heartbeat', 'reply'];

// What a socket message costs: a 2-byte header up to 125 bytes of payload,
// 4 up to 64 KiB, then 10.
function socketWireBytes (payloadBytes) {
  return payloadBytes + (payloadBytes < 126 ? 2 : payloadBytes < 65536 ? 4 : 10);
}

// A global for app.js, which loads this file only for ?transport=ws.
// eslint-disable-next-line no-unused-vars
class SseHubSocket {
  // The same callbacks as SseHubStream; events also carry wire (the
  // message as sent) and wireBytes.  onReply(reply) gets addPerson answers.
  constructor ({ onEvent, onStatus, onReply, onOpenChange = () => {} }) {
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onReply = onReply;
    this.onOpenChange = onOpenChange;
    this.socket = null;
    this.open = false;
    this.started = false;
    this.offline = false;
    this.lastEventId = null;
    this.delayMs = SOCKET_RETRY_MS;
    this.heartbeatMs = 0;
    this.retryTimer = null;
    this.silenceTimer = null;
    this.reconnects = 0;
    this.full = null;
  }

  get isOpen () {
    return this.open;
  }

  start () {
    this.started = true;
    this.connect();
  }

  stop () {
    this.started = false;
    this.close();
  }

  setOffline (offline) {
    this.offline = offline;
    if (this.started && !offline && this.socket === null)
      this.connect();
  }

  status (kind, key, waitMs = 0, limit = null) {
    this.onStatus({ kind, key, until: waitMs > 0 ? Date.now() + waitMs : 0, limit });
  }

  setOpen (open) {
    if (open !== this.open) {
      this.open = open;
      this.onOpenChange(open);
    }
  }

  close () {
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    if (this.socket !== null) {
      this.socket.onclose = null;
      this.socket.close();
      this.socket = null;
    }
    this.setOpen(false);
  }

  connect () {
    this.close();
    if (this.reconnects === 0)
      this.status('connecting', 'connecting');
    const query = this.lastEventId !== null ? `?lastEventId=${encodeURIComponent(this.lastEventId)}` : '';
    const url = new URL(`connect${query}`, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    socket.onmessage = message => this.receive(message.data);
    socket.onclose = close => this.closed(close);
    this.socket = socket;
    this.full = null;
  }

  // Heartbeats come at the hub's keep-alive interval: 2.5 of them missed
  // means a dead path, which a WebSocket would not notice for minutes.
  expectHeartbeat () {
    clearTimeout(this.silenceTimer);
    if (this.heartbeatMs > 0) {
      this.silenceTimer = setTimeout(() => {
        this.status('stale', 'quiet');
        this.retry();
      }, this.heartbeatMs * 2.5);
    }
  }

  receive (text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    this.expectHeartbeat();
    if (message.event === 'reply') {
      this.onReply(message);
      return;
    }
    const custom = !SOCKET_HUB_EVENTS.includes(message.event);
    const data = custom ? String(message.data) : JSON.stringify(message.data);
    if (message.event === 'hello') {
      this.heartbeatMs = message.data?.heartbeatMs ?? 0;
      this.delayMs = SOCKET_RETRY_MS;
      this.setOpen(true);
      this.status('connected', this.reconnects > 0 ? 'socketReconnected' : 'connected');
      this.expectHeartbeat();
    }
    if (message.event === 'full')
      this.full = message.data;
    if (message.event === 'message' && message.id)
      this.lastEventId = message.id;
    this.onEvent({
      type: message.event, data, lastEventId: message.id ?? '', wireId: message.id ?? '',
      custom, time: Date.now(), wire: text,
      wireBytes: socketWireBytes(new TextEncoder().encode(text).length),
    });
  }

  closed (close) {
    this.socket = null;
    this.setOpen(false);
    clearTimeout(this.silenceTimer);
    if (!this.started)
      return;
    if (close.code === 1008 && this.full !== null) {
      const full = this.full;
      this.status('full', full.reason === 'address-full' ? 'addressFull' : 'full', full.retryMs,
        full.limit);
      this.schedule(full.retryMs);
      return;
    }
    this.status('reconnecting', 'socketReconnecting', this.delayMs);
    this.retry();
  }

  retry () {
    if (this.socket !== null) {
      this.socket.onclose = null;
      this.socket.close();
      this.socket = null;
      this.setOpen(false);
    }
    this.schedule(this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, SOCKET_RETRY_MAX_MS);
  }

  schedule (ms) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.reconnects++;
      if (!this.offline)
        this.connect();
    }, ms);
  }

  // FALSE when there is no open socket to send on.
  send (object) {
    if (this.socket === null || this.socket.readyState !== WebSocket.OPEN)
      return false;
    this.socket.send(JSON.stringify(object));
    return true;
  }
}

// The socket's own words: loaded with it, so an SSE page does not carry them.
Object.assign(STRINGS.en, {
  socketReconnecting: 'The WebSocket closed. This page’s script reconnects it…',
  socketReconnected: 'Connected again: this page’s script reconnected the WebSocket',
  socketOwn: 'Each tab holds its own WebSocket: they do not count against the browser’s ' +
    '6 connections to one address.',
  socketBytes: (ws, sse) => `${ws} bytes on the wire as a WebSocket message · ${sse} bytes as an SSE event`,
});
Object.assign(STRINGS.zh, {
  socketReconnecting: 'WebSocket 已关闭，本页的脚本正在重新连接…',
  socketReconnected: '已重新连接：本页的脚本重新连接了 WebSocket',
  socketOwn: '每个标签页都有自己的 WebSocket：不占用浏览器对同一地址的 6 个连接。',
  socketBytes: (ws, sse) => `作为 WebSocket 消息在线上 ${ws} 字节 · 作为 SSE 事件 ${sse} 字节`,
});

// The socket is two-way: the add goes on it, and the reply comes back on
// it, with the status and body the POST would have had.
function socketAdd (person, key) {
  return new Promise(resolve => {
    const done = reply => {
      clearTimeout(timer);
      state.replies.delete(key);
      resolve(reply);
    };
    const timer = setTimeout(() => done(null), ADD_TIMEOUT_MS);
    state.replies.set(key, done);
    if (state.socket === null || !state.socket.send({ event: 'addPerson', id: key, data: person }))
      done(null);
  });
}

async function addOverSocket (person, key) {
  const reply = await socketAdd(person, key);
  if (reply?.status === 200) {
    $('name').value = '';
    $('form-status').textContent = t('added', reply.data.name);
    $('name').focus();
  } else if (reply !== null) {
    $('form-status').textContent = '';
    showRefusal(reply.status, reply.data, Number.NaN);
  } else {
    showError(null, t('networkError'));
  }
}
