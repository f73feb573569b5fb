// SPDX-License-Identifier: GPL-3.0-or-later
// A hub under attack keeps working and says so: descriptor exhaustion, the
// event log's memory, refusals reported in headless mode.
// Students are real LAN addresses in a network namespace (see netns.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import net from 'node:net';
import { Hub, launchBrowser } from '../browser/hub.mjs';
import { Lan, hostUrl, lanUnavailableReason } from './netns.mjs';

const skip = lanUnavailableReason() ?? false;
let lan;

before(() => {
  if (!skip)
    lan = new Lan().setUp();
});

after(() => {
  lan?.tearDown();
});

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function withHub (args, body, options = {}) {
  const hub = await new Hub(args, { bind: null, ...options }).start();
  try {
    await body(hub);
  } finally {
    await hub.dispose();
  }
}

// What one /connect answers first: 'hello' for a slot, 'full' for a refusal.
async function firstEvent (stream) {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const match = /^event: (hello|full)$/m.exec(stream.text);
    if (match)
      return match[1];
    await sleep(20);
  }
  throw new Error(`no hello or full event in ${JSON.stringify(stream.text)}`);
}

async function openStreams (from, url, n) {
  const streams = [];
  for (let i = 0; i < n; i++) {
    const stream = lan.openStream(from, url);
    await stream.opened;
    streams.push(stream);
  }
  return streams;
}

// A stream from the presenter's own machine, with no Origin, as the hub's
// own page opens it.
async function presenterStream (hub) {
  const controller = new AbortController();
  const response = await fetch(`${hub.url}connect`, { signal: controller.signal });
  const reader = response.body.getReader();
  const stream = { text: '', close: () => controller.abort() };
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done)
          break;
        stream.text += Buffer.from(value).toString();
      }
    } catch {}
  })();
  return stream;
}

// The stored list, read from the presenter's own stream.
async function storedNames (hub) {
  const stream = await presenterStream(hub);
  try {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const match = /^id: \d+\ndata: (.*)$/m.exec(stream.text);
      if (match)
        return JSON.parse(match[1]).map(person => person.name);
      await sleep(20);
    }
    throw new Error('no list on the presenter stream');
  } finally {
    stream.close();
  }
}

async function curlFromHost (url, args = []) {
  const output = await new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '-g', '--max-time', '10', '-D', '-', ...args, url],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', chunk => { out += chunk; });
    child.on('exit', code => code === 0 ? resolve(out) : reject(new Error(`curl exited ${code}`)));
  });
  const split = output.indexOf('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d+)/.exec(output)?.[1]),
    head: output.slice(0, split),
    body: output.slice(split + 4),
  };
}

function postArgs (person, headers = []) {
  return ['-H', 'Content-Type: application/json', ...headers.flatMap(h => ['-H', h]),
    '--data-binary', JSON.stringify(person)];
}

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
      status = await fetch(hub.url).then(r => r.status, () => 0);
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
