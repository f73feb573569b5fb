// SPDX-License-Identifier: GPL-3.0-or-later
// A hub under attack keeps working and says so: descriptor exhaustion, the
// event log's memory, refusals reported in headless mode.
// Students are real LAN addresses in a network namespace (see netns.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { hostUrl, lanForThisFile, lanSkip } from './netns.mjs';
import { sleep, withHub } from './helpers.mjs';

const skip = lanSkip;
const lan = lanForThisFile();

test('the listener keeps accepting after running out of descriptors', { skip }, async () => {
  await withHub([], async hub => {
    // Requests that never finish hold a descriptor each, beyond the limit.
    const sockets = [];
    for (let i = 0; i < 90; i++) {
      const socket = net.connect(hub.port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      sockets.push(socket);
    }
    const deadline = Date.now() + 5000;
    while (!/descriptor/i.test(hub.stderr) && Date.now() < deadline)
      await sleep(50);
    assert.match(hub.stderr, /descriptor/i, 'the hub says it ran out of descriptors');

    sockets.forEach(socket => socket.destroy());
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await sleep(100);
      // A listener that never comes back leaves the request waiting in the
      // backlog: time it out so that is a failed attempt, not a hung test.
      status = await fetch(hub.url, { signal: AbortSignal.timeout(2000) })
        .then(r => r.status, () => 0);
    }
    assert.equal(status, 200, 'new requests are served again');
  }, { wrapper: ['prlimit', '--nofile=64:64', '--'], captureStderr: true });
});

test('the event log stays small with a full list of long names', { skip }, async () => {
  await withHub(['--max-persons', '1000'], async hub => {
    const rss = () => Number(/^VmRSS:\s+(\d+)/m.exec(
      readFileSync(`/proc/${hub.process.pid}/status`, 'utf8'))[1]);
    const before = rss();
    for (let i = 0; i < 1000; i++) {
      const name = `${String(i).padStart(4, '0')}${'é'.repeat(60)}`;
      assert.equal((await hub.post({ name, age: 30 })).status, 200);
    }
    const grown = (rss() - before) / 1024;
    assert.ok(grown < 12, `the hub grew by ${grown.toFixed(1)} MiB for 1,000 persons`);
  });
});

test('headless mode reports refusals on stderr, summarised', { skip }, async () => {
  await withHub(['--rate-limit', '1'], async hub => {
    const url = hostUrl(lan.hostIPv4, hub.port, 'addPerson');
    const started = Date.now();
    for (let i = 0; i < 12; i++)
      await lan.post(lan.studentIPv4[0], url, { name: `n${i}`, age: 20 });
    await sleep(1500);
    const lines = hub.stderr.split('\n').filter(line => /rate/i.test(line));
    assert.ok(lines.length >= 1, `the refusals are reported: ${hub.stderr}`);
    const seconds = Math.ceil((Date.now() - started) / 1000);
    assert.ok(lines.length <= seconds + 1, `at most one line a second: ${lines.length}`);
    assert.match(lines.join('\n'), /10\.213\.\d+\.2/, 'the line names the address');
  }, { captureStderr: true });
});
