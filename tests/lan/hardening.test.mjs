// SPDX-License-Identifier: GPL-3.0-or-later
// A curious student with many addresses cannot shut out the class: bodies
// refused from their headers, refused posts that spend nothing the class
// shares, the presenter's identity that a page elsewhere cannot borrow,
// exactly one Host.  Each measured, from real LAN addresses in a network
// namespace (see netns.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { hostUrl, lanForThisFile, lanSkip } from './netns.mjs';
import { curlFromHost, firstEvent, openStreams, sleep, withHub } from './helpers.mjs';

const skip = lanSkip;
const lan = lanForThisFile();

const MiB = 1024 * 1024;

function memory (hub) {
  const status = readFileSync(`/proc/${hub.process.pid}/status`, 'utf8');
  const kib = name => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)[1]);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

// From the student machine: sends head, then zeros (up to bodyBytes) as
// fast as the hub takes them, until the hub answers.  Resolves to the
// status, the body bytes that left, and the ms until the answer.
function sendFromStudent (from, host, port, head, bodyBytes) {
  const script = `
    const net = require('node:net');
    const started = Date.now();
    let sent = 0, answer = '', done = false;
    const socket = net.connect({ host: ${JSON.stringify(host)}, port: ${port},
      localAddress: ${JSON.stringify(from)} }, () => {
      socket.write(${JSON.stringify(head)});
      const zeros = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (!done && sent < ${bodyBytes}) {
          const n = Math.min(zeros.length, ${bodyBytes} - sent);
          sent += n;
          if (!socket.write(zeros.subarray(0, n))) return socket.once('drain', pump);
        }
      };
      pump();
    });
    const finish = () => {
      if (done) return;
      done = true;
      const status = Number(/^HTTP\\/1\\.1 (\\d+)/.exec(answer)?.[1] ?? 0);
      console.log(JSON.stringify({ status, sent, ms: Date.now() - started }));
      socket.destroy();
      process.exit(0);
    };
    // finish() stops the sending, as curl and browsers do once answered.
    socket.on('data', chunk => { answer += chunk; if (answer.includes('\\r\\n\\r\\n')) finish(); });
    socket.on('error', finish);
    socket.on('close', finish);
    setTimeout(finish, 15000).unref();`;
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', lan.ns, process.execPath, '-e', script],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', chunk => { out += chunk; });
    child.on('exit', () => {
      try { resolve(JSON.parse(out)); } catch (error) { reject(new Error(`no result: ${out}`)); }
    });
  });
}

test('bodies are refused from their headers, the hub\'s memory flat', { skip }, async () => {
  await withHub([], async hub => {
    const before = memory(hub);
    const from = lan.studentIPv4[0];
    const get = await sendFromStudent(from, lan.hostIPv4, hub.port,
      `GET / HTTP/1.1\r\nHost: ${lan.hostIPv4}:${hub.port}\r\nContent-Length: ${300 * MiB}\r\n\r\n`,
      300 * MiB);
    const post = await sendFromStudent(from, lan.hostIPv4, hub.port,
      `POST /addPerson HTTP/1.1\r\nHost: ${lan.hostIPv4}:${hub.port}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${200 * MiB}\r\n\r\n`, 200 * MiB);
    const short = await sendFromStudent(from, lan.hostIPv4, hub.port,
      `POST /addPerson HTTP/1.1\r\nHost: ${lan.hostIPv4}:${hub.port}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 16385\r\n\r\nabc', 0);
    const after = memory(hub);
    console.log(`# 300 MiB GET: ${get.status} in ${get.ms} ms, ${(get.sent / MiB).toFixed(1)} MiB left the student`);
    console.log(`# 200 MiB POST: ${post.status} in ${post.ms} ms, ${(post.sent / MiB).toFixed(1)} MiB left the student`);
    console.log(`# 16,385 announced, 3 sent: ${short.status} in ${short.ms} ms`);
    console.log(`# hub RSS ${before.rss.toFixed(1)} → ${after.rss.toFixed(1)} MiB, peak ${before.peak.toFixed(1)} → ${after.peak.toFixed(1)} MiB`);
    assert.equal(get.status, 413);
    assert.equal(post.status, 413);
    assert.equal(short.status, 413);
    assert.ok(short.ms < 2000, 'an over-limit announcement is answered at once');
    assert.ok(after.peak - before.peak < 8, `the hub's peak grew by ${(after.peak - before.peak).toFixed(1)} MiB`);
  });
});

test('invalid posts from ten addresses spend nothing the class shares', { skip }, async () => {
  // A class budget the flood would empty in seconds if refused posts spent it.
  await withHub(['--rate-limit', '30', '--audience-rate-limit', '60'], async hub => {
    const url = hostUrl(lan.hostIPv4, hub.port, 'addPerson');
    const garbage = lan.addIPv4(10);
    const honest = lan.studentIPv4[0];
    let stop = false;
    let refused = 0;
    const flood = garbage.map(async from => {
      while (!stop) {
        const { status } = await lan.curl(from, url, ['-H', 'Content-Type: application/json',
          '--data-binary', '{"name":"","age":-1}']).catch(() => ({ status: 0 }));
        if (status >= 400)
          refused++;
      }
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      await sleep(1500);
      const answer = await lan.curl(honest, url, ['-H', 'Content-Type: application/json',
        '--data-binary', JSON.stringify({ name: `honest ${i}`, age: 20 })]);
      statuses.push(answer.status);
      if (answer.status !== 200)
        console.log(`# honest post ${i}: ${answer.headers} ${answer.body}`);
    }
    stop = true;
    await Promise.all(flood);
    console.log(`# honest posts: ${statuses.join(', ')} while ten addresses had ${refused} invalid posts refused`);
    assert.deepEqual(statuses, [200, 200, 200, 200]);
    assert.ok(refused > 40, `the flood ran: ${refused}`);
  });
});

test('a page elsewhere open on the presenter\'s laptop streams as the audience', { skip }, async () => {
  await withHub(['--max-streams-per-address', '3'], async hub => {
    const url = `http://127.0.0.1:${hub.port}/connect`;
    const streams = [];
    try {
      for (let i = 0; i < 4; i++) {
        const child = spawn('curl', ['-sS', '-N', '-H', 'Sec-Fetch-Site: cross-site', url],
          { stdio: ['ignore', 'pipe', 'ignore'] });
        const stream = { text: '', close: () => child.kill('SIGKILL') };
        child.stdout.on('data', chunk => { stream.text += chunk; });
        streams.push(stream);
        await firstEvent(stream);
      }
      const events = await Promise.all(streams.map(firstEvent));
      console.log(`# four cross-site streams from loopback: ${events.join(', ')}`);
      assert.deepEqual(events, ['hello', 'hello', 'hello', 'full'], 'capped like the audience');
      const own = await hub.openStream();
      streams.push(own);
      assert.equal(await firstEvent(own), 'hello', 'the presenter\'s own stream still gets in');
    } finally {
      streams.forEach(stream => stream.close());
    }
  });
});

test('two Host headers, or none, are refused', { skip }, async () => {
  await withHub([], async hub => {
    const ask = request => new Promise(resolve => {
      const socket = net.connect(hub.port, lan.hostIPv4, () => socket.write(request));
      let answer = '';
      // The status line is enough: a kept-alive connection stays open.
      const done = () => {
        socket.destroy();
        resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? 0));
      };
      socket.on('data', chunk => { answer += chunk; if (answer.includes('\r\n\r\n')) done(); });
      socket.on('close', done);
      socket.on('error', () => {});
    });
    assert.equal(await ask(`GET / HTTP/1.1\r\nHost: ${lan.hostIPv4}\r\nHost: evil.example\r\n\r\n`), 400);
    assert.equal(await ask('GET / HTTP/1.0\r\n\r\n'), 400);
    assert.equal(await ask(`GET http://evil.example/ HTTP/1.1\r\nHost: ${lan.hostIPv4}\r\n\r\n`), 403);
    assert.equal((await curlFromHost(hostUrl(lan.hostIPv4, hub.port))).status, 200);
  });
});

test('a full hub still lets in a computer with no stream', { skip }, async () => {
  await withHub(['--max-clients', '40', '--max-streams-per-address', '8'], async hub => {
    const url = hostUrl(lan.hostIPv4, hub.port, 'connect');
    const [newcomer, ...crowd] = lan.addIPv4(6);
    const streams = [];
    try {
      const started = Date.now();
      for (const address of crowd)
        streams.push(...await openStreams(lan, address, url, 8));
      const events = await Promise.all(streams.map(firstEvent));
      console.log(`# five addresses × 8 streams: ${events.filter(e => e === 'hello').length} hello in ${Date.now() - started} ms`);
      assert.ok(events.every(event => event === 'hello'), 'the crowd fills the hub');

      const late = lan.openStream(newcomer, url);
      streams.push(late);
      assert.equal(await firstEvent(late), 'hello', 'a sixth computer still gets in');
      let closed;
      for (let i = 0; i < 50 && !closed; i++) {
        closed = streams.find(stream => /"reason":"fair-share"/.test(stream.text));
        await sleep(50);
      }
      assert.ok(closed, 'one crowd stream was told why it closed');
      assert.match(closed.text, /^event: full$/m);
      console.log(`# the newest stream of the computer holding the most was closed: ${/data: (.*)/.exec(closed.text.split('event: full')[1])[1]}`);
    } finally {
      streams.forEach(stream => stream.close());
    }
  });
});
