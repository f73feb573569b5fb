// SPDX-License-Identifier: GPL-3.0-or-later
// WebSockets from students on real LAN addresses: the per-address stream
// cap counts SSE streams and sockets together, and a socket's adds follow
// the POST's rules: a --read-only hub refuses a student's and a foreign
// Origin's, and takes the presenter's own page's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hostUrl, lanForThisFile, lanSkip } from './netns.mjs';
import { firstEvent, sleep, withHub } from './helpers.mjs';

const skip = lanSkip;
const lan = lanForThisFile();
const CLIENT = fileURLToPath(new URL('ws-client.mjs', import.meta.url));

// A socket from address (in the namespace when ns), with what it heard.
function openSocket (url, address, { ns = lan.ns, origin } = {}) {
  const command = ns !== null
    ? ['ip', 'netns', 'exec', ns, process.execPath, CLIENT, url, address]
    : [process.execPath, CLIENT, url, address];
  if (origin)
    command.push(origin);
  const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const socket = { messages: [], send: message => child.stdin.write(`${JSON.stringify(message)}\n`),
    close: () => child.kill('SIGKILL') };
  let pending = '';
  child.stdout.on('data', chunk => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines)
      socket.messages.push(JSON.parse(line));
  });
  return socket;
}

async function waitFor (socket, predicate, what) {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const found = socket.messages.find(predicate);
    if (found)
      return found;
    await sleep(20);
  }
  throw new Error(`no ${what} in ${JSON.stringify(socket.messages)}`);
}

const event = name => message => message.event === name;

test('one address: SSE streams and sockets share its stream slots', { skip }, async () => {
  await withHub(['--max-streams-per-address', '2', '--max-clients', '50'], async hub => {
    const [student, classmate] = lan.studentIPv4;
    const wsUrl = hostUrl(lan.hostIPv4, hub.port, 'connect').replace('http:', 'ws:');
    const opened = [];
    try {
      const stream = lan.openStream(student, hostUrl(lan.hostIPv4, hub.port, 'connect'));
      opened.push(stream);
      assert.equal(await firstEvent(stream), 'hello');
      const socket = openSocket(wsUrl, student);
      opened.push(socket);
      await waitFor(socket, event('hello'), 'hello');

      const third = openSocket(wsUrl, student);
      opened.push(third);
      const full = await waitFor(third, event('full'), 'full');
      assert.equal(full.data.reason, 'address-full');
      assert.equal((await waitFor(third, m => 'close' in m, 'close')).close, 1008);
      const thirdStream = lan.openStream(student, hostUrl(lan.hostIPv4, hub.port, 'connect'));
      opened.push(thirdStream);
      assert.equal(await firstEvent(thirdStream), 'full', 'a socket took the second slot');

      const other = openSocket(wsUrl, classmate);
      opened.push(other);
      await waitFor(other, event('hello'), 'hello from another address');
    } finally {
      opened.forEach(item => item.close());
    }
  });
});

test('--read-only: a student socket and a foreign Origin are refused, the presenter adds', { skip }, async () => {
  await withHub(['--read-only'], async hub => {
    const wsUrl = hostUrl(lan.hostIPv4, hub.port, 'connect').replace('http:', 'ws:');
    const opened = [];
    try {
      const student = openSocket(wsUrl, lan.studentIPv4[0]);
      const foreign = openSocket(`ws://127.0.0.1:${hub.port}/connect`, '127.0.0.1',
        { ns: null, origin: 'http://elsewhere.example' });
      const own = openSocket(`ws://127.0.0.1:${hub.port}/connect`, '127.0.0.1', { ns: null });
      opened.push(student, foreign, own);
      for (const [socket, name] of [[student, 'Student'], [foreign, 'Foreign'], [own, 'Own']]) {
        await waitFor(socket, event('hello'), 'hello');
        socket.send({ event: 'addPerson', id: name, data: { name, age: 20 } });
      }
      assert.equal((await waitFor(student, event('reply'), 'reply')).status, 403);
      assert.equal((await waitFor(foreign, event('reply'), 'reply')).status, 403);
      assert.equal((await waitFor(own, event('reply'), 'reply')).status, 200);
    } finally {
      opened.forEach(item => item.close());
    }
  });
});
