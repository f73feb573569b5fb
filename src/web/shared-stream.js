// SPDX-License-Identifier: GPL-3.0-or-later
// The shared worker: every tab of this page in one browser talks to it, and
// it holds the one event stream they share, so a seventh tab costs no
// connection.  It also keeps the browser-wide "share" switch and counts
// the tabs and the streams they hold, so a tab that cannot connect can say
// why.  Web Locks would not do: they exist only on https or localhost, and
// the class opens the hub on a plain LAN address.
'use strict';

importScripts('stream.js');

// Each is state, not history: a tab that joins needs only the newest.
const STATE_EVENTS = ['hello', 'message', 'client', 'config'];

// What a tab that joins late catches up on: as many frames as a wire panel
// shows, and with them the presenter's recent events.
const HISTORY_MAX = 100;

const tabs = new Map();     // port → { ownOpen }: whether it holds a stream of its own
const latest = new Map();   // event type → newest event of that type
const history = [];         // the newest events, oldest first
let share = true;
let offline = false;
let stream = null;
let lastStatus = null;

function broadcast (message) {
  for (const port of tabs.keys())
    port.postMessage(message);
}

function ownStreams () {
  let open = 0;
  for (const tab of tabs.values())
    open += tab.ownOpen ? 1 : 0;
  return open;
}

function announceTabs () {
  broadcast({
    type: 'tabs',
    tabs: tabs.size,
    streams: ownStreams() + (stream?.isOpen ? 1 : 0),
  });
}

// The stream lives while a tab shares it; when the last one goes, so does
// the connection.
function updateStream () {
  const wanted = share && tabs.size > 0;
  if (wanted && stream === null) {
    stream = new SseHubStream({
      onEvent (event) {
        if (STATE_EVENTS.includes(event.type))
          latest.set(event.type, event);
        history.push(event);
        if (history.length > HISTORY_MAX)
          history.shift();
        broadcast({ type: 'event', event });
      },
      onStatus (status) {
        lastStatus = status;
        broadcast({ type: 'status', status });
      },
      onOpenChange: announceTabs,
      otherStreams: ownStreams,
    });
    stream.setOffline(offline);
    stream.start();
  } else if (!wanted && stream !== null) {
    stream.stop();
    stream = null;
    latest.clear();
    history.length = 0;
    lastStatus = null;
  }
}

function setShare (on) {
  share = on;
  broadcast({ type: 'mode', share });
  updateStream();
  announceTabs();
}

function catchUp (port) {
  port.postMessage({ type: 'mode', share });
  if (stream === null)
    return;
  port.postMessage({ type: 'history', events: history });
  for (const type of STATE_EVENTS) {
    if (latest.has(type))
      port.postMessage({ type: 'event', event: latest.get(type), replay: true });
  }
  if (lastStatus !== null)
    port.postMessage({ type: 'status', status: lastStatus });
}

function receive (port, message) {
  switch (message.type) {
  case 'join':
    tabs.set(port, { ownOpen: false });
    offline = message.online === false;
    stream?.setOffline(offline);
    if (typeof message.share === 'boolean' && message.share !== share)
      setShare(message.share);
    catchUp(port);
    updateStream();
    announceTabs();
    break;
  case 'share':
    setShare(message.share);
    break;
  case 'own-stream':
    if (tabs.has(port)) {
      tabs.get(port).ownOpen = message.open;
      announceTabs();
    }
    break;
  case 'network':
    offline = !message.online;
    stream?.setOffline(offline);
    break;
  case 'bye':
    tabs.delete(port);
    updateStream();
    announceTabs();
    break;
  }
}

self.addEventListener('connect', event => {
  const port = event.ports[0];
  port.addEventListener('message', message => receive(port, message.data));
  port.start();
});
