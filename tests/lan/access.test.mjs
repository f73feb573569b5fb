// SPDX-License-Identifier: GPL-3.0-or-later
// A curious student cannot lock out the class: stream slots per address,
// the presenter's reserved slots, posting budgets, who counts as the
// presenter, DNS rebinding.
// Students are real LAN addresses in a network namespace (see netns.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { launchBrowser } from '../browser/hub.mjs';
import { hostUrl, lanForThisFile, lanSkip } from './netns.mjs';
import { curlFromHost, firstEvent, openStreams, postArgs, storedNames, withHub }
  from './helpers.mjs';

const skip = lanSkip;
const lan = lanForThisFile();

test('one address cannot take every stream slot; IPv6 per /64, or per address on the hub\'s link', { skip }, async () => {
  await withHub(['--max-streams-per-address', '3', '--max-clients', '50'], async hub => {
    const url4 = hostUrl(lan.hostIPv4, hub.port, 'connect');
    const url6 = hostUrl(lan.hostIPv6, hub.port, 'connect');
    const [greedy, classmate] = lan.studentIPv4;
    const [neighbourA, neighbourB, privacyA, privacyB] = lan.studentIPv6;
    const streams = [];
    try {
      streams.push(...await openStreams(lan, greedy, url4, 3));
      for (const stream of streams)
        assert.equal(await firstEvent(stream), 'hello');
      const fourth = lan.openStream(greedy, url4);
      streams.push(fourth);
      assert.equal(await firstEvent(fourth), 'full', 'the fourth stream of one address is refused');
      assert.match(fourth.text, /^retry: \d{5}$/m, 'with a long retry, so the browser comes back later');

      const other = lan.openStream(classmate, url4);
      streams.push(other);
      assert.equal(await firstEvent(other), 'hello', 'another address still gets a slot');

      // Two privacy addresses of one phone share their routed /64's allowance.
      streams.push(...await openStreams(lan, privacyA, url6, 2));
      const sameNet = await openStreams(lan, privacyB, url6, 2);
      streams.push(...sameNet);
      assert.equal(await firstEvent(sameNet[0]), 'hello');
      assert.equal(await firstEvent(sameNet[1]), 'full', 'the /64 has used its three slots');

      // Two neighbours on the hub's own /64 (SLAAC) are two computers: each
      // gets its own three.
      for (const neighbour of [neighbourA, neighbourB]) {
        const own = await openStreams(lan, neighbour, url6, 4);
        streams.push(...own);
        for (const stream of own.slice(0, 3))
          assert.equal(await firstEvent(stream), 'hello', `${neighbour} has its own slots`);
        assert.equal(await firstEvent(own[3]), 'full', `${neighbour} is capped on its own`);
      }
    } finally {
      streams.forEach(stream => stream.close());
    }
  });
});

test('a full hub still has slots for the presenter', { skip }, async () => {
  await withHub(['--max-clients', '4', '--max-streams-per-address', '0'], async hub => {
    const url = hostUrl(lan.hostIPv4, hub.port, 'connect');
    const streams = [];
    try {
      for (const address of lan.studentIPv4) {
        const stream = lan.openStream(address, url);
        streams.push(stream);
        assert.equal(await firstEvent(stream), 'hello');
      }
      const late = lan.openStream(lan.studentIPv4[0], url);
      streams.push(late);
      assert.equal(await firstEvent(late), 'full', 'the audience has used every slot');

      for (let i = 0; i < 3; i++) {
        const own = await hub.openStream();
        streams.push(own);
        assert.equal(await firstEvent(own), 'hello', `presenter stream ${i + 1} is never refused`);
      }
    } finally {
      streams.forEach(stream => stream.close());
    }
  });
});

test('posting: IPv6 rate per /64, an audience-wide budget, a total per address', { skip }, async () => {
  await withHub(['--rate-limit', '2', '--audience-rate-limit', '1000',
    '--max-persons-per-address', '1000'], async hub => {
    const url = hostUrl(lan.hostIPv6, hub.port, 'addPerson');
    const [otherNet, , privacyA, privacyB] = lan.studentIPv6;
    assert.equal((await lan.post(privacyA, url, { name: 'a1', age: 20 })).status, 200);
    assert.equal((await lan.post(privacyA, url, { name: 'a2', age: 20 })).status, 200);
    const refused = await lan.post(privacyB, url, { name: 'b1', age: 20 });
    assert.equal(refused.status, 429, 'a second address in the same /64 shares the rate');
    assert.match(refused.headers, /^HTTP\/1\.1 429 Too Many Requests\r?$/m);
    const retryAfter = Number(/^Retry-After: (\d+)/mi.exec(refused.headers)?.[1]);
    assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter} follows the rate`);
    assert.equal((await lan.post(otherNet, url, { name: 'c1', age: 20 })).status, 200);
  });

  await withHub(['--rate-limit', '1000', '--audience-rate-limit', '5',
    '--max-persons-per-address', '1000'], async hub => {
    const url = hostUrl(lan.hostIPv4, hub.port, 'addPerson');
    let stored = 0;
    let limited = 0;
    for (let round = 0; round < 3; round++) {
      for (const address of lan.studentIPv4) {
        const { status } = await lan.post(address, url, { name: `${address}-${round}`, age: 20 });
        if (status === 200)
          stored++;
        else if (status === 429)
          limited++;
      }
    }
    assert.equal(stored, 5, 'many addresses together share the audience budget');
    assert.equal(limited, 7);
    for (let i = 0; i < 5; i++)
      assert.equal((await hub.post({ name: `presenter ${i}`, age: 40 })).status, 200,
        'the presenter is exempt');
  });

  await withHub(['--rate-limit', '1000', '--max-persons-per-address', '2'], async hub => {
    const url = hostUrl(lan.hostIPv4, hub.port, 'addPerson');
    const student = lan.studentIPv4[0];
    assert.equal((await lan.post(student, url, { name: 'one', age: 20 })).status, 200);
    assert.equal((await lan.post(student, url, { name: 'two', age: 20 })).status, 200);
    const third = await lan.post(student, url, { name: 'three', age: 20 });
    assert.equal(third.status, 429, 'one computer adds at most its share per session');
    assert.match(third.json.error, /2/);
    assert.equal((await lan.post(lan.studentIPv4[1], url, { name: 'other', age: 20 })).status, 200);
    assert.deepEqual(await storedNames(hub), ['one', 'two', 'other']);
  });
});

test('a page from another origin on the presenter\'s laptop is audience', { skip }, async () => {
  await withHub(['--read-only'], async hub => {
    const own = `http://127.0.0.1:${hub.port}/addPerson`;
    const person = { name: 'x', age: 1 };
    assert.equal((await curlFromHost(own, postArgs(person, ['Origin: http://evil.example']))).status, 403);
    assert.equal((await curlFromHost(own, postArgs(person, [`Origin: http://localhost:${hub.port}`]))).status, 200);
    assert.equal((await curlFromHost(own, postArgs(person, [`Origin: http://${lan.hostIPv4}:${hub.port}`]))).status, 200);
    assert.equal((await curlFromHost(own, postArgs(person, [`Origin: http://localhost:${hub.port + 1}`]))).status, 403,
      'another port is another origin');

    // A real page, served from a student's machine and opened in the
    // presenter's browser, tries both ways in: blind posts as in the attack,
    // then one it may read (the hub lets any origin read its answers), to
    // show that the posts reached the hub and the hub itself said no.
    const targets = [`http://localhost:${hub.port}/addPerson`, `http://${lan.hostIPv4}:${hub.port}/addPerson`];
    const script = `
      const targets = ${JSON.stringify(targets)};
      const form = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
      window.sent = Promise.all(targets.flatMap(url => Array.from({ length: 10 }, (_, i) =>
        fetch(url, { ...form, mode: 'no-cors', body: 'name=intruder' + i + '&age=1' }).catch(() => null))));
      window.answers = window.sent.then(() => Promise.all(targets.map(url =>
        fetch(url, { ...form, body: 'name=probe&age=1' }).then(r => r.status, () => 'unreachable'))));`;
    const page = spawn('ip', ['netns', 'exec', lan.ns, process.execPath, '-e', `
      const html = '<!doctype html><title>elsewhere</title><script>' + ${JSON.stringify(script)} + '</script>';
      require('node:http').createServer((request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end(html);
      }).listen(8123, ${JSON.stringify(lan.studentIPv4[3])}, () => console.log('ready'));
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    let browser;
    try {
      await new Promise((resolve, reject) => {
        page.stdout.once('data', resolve);
        page.once('exit', code => reject(new Error(`the page's server exited with ${code}`)));
      });
      browser = await launchBrowser();
      const tab = await browser.newPage();
      await tab.goto(`http://${lan.studentIPv4[3]}:8123/`);
      await tab.evaluate(() => window.sent);
      assert.deepEqual(await tab.evaluate(() => window.answers), [403, 403],
        'the hub refused the other origin on both of its addresses');
    } finally {
      await browser?.close();
      page.kill();
    }
    assert.deepEqual(await storedNames(hub), ['x', 'x'], 'nothing from the other origin was stored');
  });
});

test('a Host that is not this machine is refused (DNS rebinding)', { skip }, async () => {
  await withHub([], async hub => {
    const url = `http://127.0.0.1:${hub.port}/`;
    const rebound = await curlFromHost(url, ['-H', `Host: attacker.example:${hub.port}`]);
    assert.equal(rebound.status, 403);
    assert.match(rebound.head, /Content-Type: application\/json/i);
    assert.equal(JSON.parse(rebound.body).field, 'host');
    const stream = await curlFromHost(`http://127.0.0.1:${hub.port}/connect`,
      ['-H', `Host: attacker.example:${hub.port}`]);
    assert.equal(stream.status, 403);

    for (const host of ['localhost', '127.0.0.1', `[::1]`, lan.hostIPv4, `[${lan.hostIPv6}]`,
      hostname(), `${hostname()}.local`])
      assert.equal((await curlFromHost(url, ['-H', `Host: ${host}:${hub.port}`])).status, 200, host);

    const fromStudent = await lan.curl(lan.studentIPv4[0], hostUrl(lan.hostIPv4, hub.port),
      ['-H', `Host: attacker.example:${hub.port}`]);
    assert.equal(fromStudent.status, 403);
  });
});
