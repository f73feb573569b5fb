// SPDX-License-Identifier: GPL-3.0-or-later
// A WebSocket from a student machine: run inside its namespace
// (`ip netns exec`), it connects from one address, prints each message it
// receives as a line of JSON and the close as {"close":code}, and sends
// each line of its input as a message.
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../browser/package.json', import.meta.url));
const WebSocket = require('ws');
const [url, localAddress, origin] = process.argv.slice(2);

const socket = new WebSocket(url, { localAddress, ...(origin ? { origin } : {}) });
socket.on('message', data => console.log(data.toString()));
socket.on('close', code => {
  console.log(JSON.stringify({ close: code }));
  process.exit(0);
});
socket.on('error', error => {
  console.log(JSON.stringify({ error: error.message }));
  process.exit(1);
});
socket.on('open', () => {
  createInterface({ input: process.stdin }).on('line', line => socket.send(line));
});
