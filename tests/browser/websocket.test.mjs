// SPDX-License-Identifier: GPL-3.0-or-later
// The hub's WebSocket read by an independent client, npm's `ws`: the
// handshake (permessage-deflate offered, never agreed), the same events and
// ids as the SSE stream, adds answered as POST /addPerson answers, a binary
// message closed with 1003, and a foreign Origin on a --read-only hub.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import WebSocket from 'ws';
import { Hub } from './hub.mjs';

// Collects every message; next(event) waits for the next one of that name.
function open (hub, { path = '/connect', origin } = {}) {
  const socket = new WebSocket(`ws://127.0.0.1:${hub.port}${path}`,
    { perMessageDeflate: true, ...(origin ? { origin } : {}) });
  const messages = [];
  const waiters = [];
  socket.on('message', (data, isBinary) => {
    assert.equal(isBinary, false);
    const message = JSON.parse(data.toString());
    messages.push(message);
    for (const waiter of [...waiters])
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
  });
  const next = (event, predicate = () => true) => {
    const found = messages.find(m => m.event === event && predicate(m) && !m.taken);
    if (found) {
      found.taken = true;
      return Promise.resolve(found);
    }
    return new Promise(resolve => waiters.push({
      match: m => m.event === event && predicate(m) && (m.taken = true),
      resolve,
    }));
  };
  const opened = new Promise((resolve, reject) => {
    socket.on('open', resolve);
    socket.on('error', reject);
  });
  return { socket, messages, next, opened };
}

// The first unnamed SSE message with the id wanted.
function sseList (hub, id) {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port: hub.port, path: '/connect' }, response => {
      let text = '';
      response.on('data', chunk => {
        text += chunk;
        for (const block of text.split('\n\n')) {
          const lines = block.split('\n');
          if (lines.some(l => l.startsWith('event:')) || !lines.includes(`id: ${id}`))
            continue;
          const data = lines.filter(l => l.startsWith('data:')).map(l => l.slice(6)).join('\n');
          request.destroy();
          resolve(data);
          return;
        }
      });
    });
    request.on('error', reject);
  });
}

async function post (hub, body, headers = {}) {
  const response = await fetch(`http://127.0.0.1:${hub.port}/addPerson`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

test('ws: same events as SSE, adds answered as POSTs, binary closed with 1003', async () => {
  const hub = await new Hub().start();
  try {
    const client = open(hub);
    await client.opened;
    assert.equal(client.socket.extensions, '', 'permessage-deflate is not agreed');
    const hello = await client.next('hello');
    assert.equal(typeof hello.data.id, 'number');
    await client.next('message');

    client.socket.send(JSON.stringify({ event: 'addPerson', id: 'a', data: { name: 'Ada', age: 36 } }));
    const reply = await client.next('reply', m => m.id === 'a');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.data, { name: 'Ada', age: 36 });
    const list = await client.next('message', m => m.data.length === 1);
    assert.deepEqual(JSON.parse(await sseList(hub, list.id)), list.data);

    const bad = { name: '', age: 36 };
    client.socket.send(JSON.stringify({ event: 'addPerson', id: 'b', data: bad }));
    const refused = await client.next('reply', m => m.id === 'b');
    const answer = await post(hub, bad);
    assert.equal(refused.status, answer.status);
    assert.deepEqual(refused.data, answer.body);

    const closed = new Promise(resolve => client.socket.on('close', (code, reason) =>
      resolve({ code, reason: reason.toString() })));
    client.socket.send(Buffer.from([1, 2, 3]));
    const { code } = await closed;
    assert.equal(code, 1003);
  } finally {
    await hub.stop();
  }
});

test('ws: a foreign Origin on a --read-only hub is audience', async () => {
  const hub = await new Hub(['--read-only']).start();
  try {
    const client = open(hub, { origin: 'http://elsewhere.example' });
    await client.opened;
    await client.next('hello');
    client.socket.send(JSON.stringify({ event: 'addPerson', data: { name: 'Eve', age: 30 } }));
    const reply = await client.next('reply');
    assert.equal(reply.status, 403);
    assert.equal(typeof reply.data.error, 'string');
    client.socket.close();
  } finally {
    await hub.stop();
  }
});
