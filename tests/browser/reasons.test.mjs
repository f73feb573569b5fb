// SPDX-License-Identifier: GPL-3.0-or-later
// The page says exactly what happened, in headless Chromium against the
// real hub: an add never stored twice across a frozen hub, the six
// connections named where a post is stuck, every id as sent, a late tab
// that sees what the others saw, counts marked stale, and a first load
// measured in bytes and connections.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { Relay, launchBrowser } from './hub.mjs';
import { WAIT, closePage, newAxeContext, openTab, runAxe, waitForNames, watchErrors, withHub } from './pages.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

function storedNames (hub) {
  return readFileSync(hub.dataFile, 'utf8').match(/"name":"[^"]*"/g) ?? [];
}

test('a frozen hub: the add is retried with its key, stored once, and the page says so', async t => {
  await withHub([], async hub => {
    const context = await newAxeContext(browser);
    const page = await openTab(context, hub.url);
    await page.locator('#status.status-connected').waitFor(WAIT);

    hub.process.kill('SIGSTOP');
    try {
      await page.fill('#name', 'Frozen Fay');
      await page.fill('#age', '30');
      await page.click('#add-button');
      // The first try times out after 10 s; the second goes with the same key.
      await page.locator('#form-status', { hasText: 'Trying again (2)' }).waitFor({ timeout: 15000 });
      await runAxe(page, 'retrying');
    } finally {
      hub.process.kill('SIGCONT');
    }
    await page.locator('#form-status', { hasText: /^Added Frozen Fay/ }).waitFor({ timeout: 15000 });
    const said = await page.textContent('#form-status');
    t.diagnostic(said);
    assert.match(said, /^Added Frozen Fay(\. An earlier try had reached the hub: it was added once\.| on try 2\.)$/);
    await waitForNames(page, ['Frozen Fay']);
    assert.deepEqual(storedNames(hub), ['"name":"Frozen Fay"'], 'stored exactly once');
    assert.equal(await page.textContent('#form-error'), '');
    await closePage(page);
  });
});

test('sharing off and six streams held: a post names the six connections, a seventh tab is not blank', async () => {
  await withHub([], async hub => {
    const context = await newAxeContext(browser);
    const first = await openTab(context, `${hub.url}?share=0`);
    const tabs = [first];
    for (let i = 1; i < 6; i++)
      tabs.push(await openTab(context, hub.url));
    for (const tab of tabs)
      await tab.locator('#status.status-connected').waitFor(WAIT);
    await first.locator('#sharing-info', { hasText: '(6 open)' }).waitFor(WAIT);

    await first.fill('#name', 'Stuck Sam');
    await first.fill('#age', '6');
    await first.click('#add-button');
    await first.locator('#form-error:not(:empty)').waitFor({ timeout: 15000 });
    assert.equal(await first.textContent('#form-error'),
      'This browser already has 6 connections to the hub, the most it opens to one address, and ' +
      'every one holds a tab\'s event stream: the post cannot leave the browser. Turn on "Share ' +
      'one connection between tabs" below, or close a tab.');
    await runAxe(first, 'six connections taken');

    // A brand-new seventh tab comes up from the cache and says why it has
    // no stream, instead of staying blank.
    const seventh = watchErrors(await context.newPage());
    seventh.goto(hub.url).catch(() => {});
    // Its own stream gives up after the 5 s a connect may take.
    await seventh.locator('#status.status-blocked').waitFor({ timeout: 30000 });
    assert.equal(await seventh.textContent('#status-text'),
      'This browser has too many connections open to this address: close another tab.');
    await seventh.close();

    // The switch it points to does it.
    await first.click('#share-switch');
    await first.locator('#sharing-info', { hasText: 'share 1 connection' }).waitFor(WAIT);
    await first.locator('#status.status-connected').waitFor(WAIT);
    await first.click('#add-button');
    await waitForNames(first, ['Stuck Sam']);
    assert.deepEqual(storedNames(hub), ['"name":"Stuck Sam"']);
    await context.close();
  });
});

test('every id as sent, repeats included; a late tab sees the earlier events and frames', async () => {
  await withHub([], async hub => {
    const context = await newAxeContext(browser);
    const page = await openTab(context, hub.url);
    await page.locator('#status.status-connected').waitFor(WAIT);
    await hub.post({ name: 'Early', age: 1 });
    await waitForNames(page, ['Early']);

    for (const event of [{ event: 'quiz', id: '7', data: 'one' }, { event: 'quiz', data: 'two' },
      { event: 'quiz', id: '7', data: 'three' }])
      assert.equal((await hub.sendEvent(event)).status, 200);
    await page.locator('#presenter-events li', { hasText: 'three' }).waitFor(WAIT);
    const ids = async tab => tab.locator('#presenter-events li').evaluateAll(items => items.map(item =>
      `${item.querySelector('pre').textContent} ${item.querySelector('.event-id')?.textContent ?? '-'}`));
    assert.deepEqual(await ids(page), ['three id 7', 'two -', 'one id 7']);
    await page.click('#wire-details summary');
    await page.locator('#wire li pre', { hasText: /^event: quiz\nid: 7\ndata: three\n/ }).waitFor(WAIT);

    // A tab opened now shares the stream: it shows what went before.
    const late = await openTab(context, hub.url);
    await late.locator('#status.status-connected').waitFor(WAIT);
    await late.locator('#presenter-events li', { hasText: 'three' }).waitFor(WAIT);
    assert.deepEqual(await ids(late), await ids(page));
    await late.click('#wire-details summary');
    for (const frame of [/^event: quiz\nid: 7\ndata: three\n/, /^event: quiz\nid: 7\ndata: one\n/,
      /data: \[\{"name":"Early","age":1\}\]/, /^retry: \d+/])
      await late.locator('#wire li pre', { hasText: frame }).first().waitFor(WAIT);
    await waitForNames(late, ['Early']);
    assert.deepEqual(late.errors, []);
    await context.close();
  });
});

test('not connected: counts are marked "last known", greyed, and the form waits', async () => {
  await withHub([], async hub => {
    const context = await newAxeContext(browser);
    const page = await openTab(context, hub.url);
    await page.locator('#status.status-connected').waitFor(WAIT);
    await hub.post({ name: 'Counted', age: 2 });
    await waitForNames(page, ['Counted']);
    // The client list is its own coalesced event: it may follow the list.
    await page.waitForFunction(() => document.querySelector('#clients-count').textContent === '1 browser',
      null, WAIT);
    assert.equal(await page.textContent('#clients-count'), '1 browser');
    assert.equal(await page.textContent('#persons-count'), '1 person');

    await hub.stop();
    await page.locator('#status.status-reconnecting').waitFor(WAIT);
    assert.equal(await page.textContent('#clients-count'), 'last known: 1 browser');
    assert.equal(await page.textContent('#persons-count'), 'last known: 1 person');
    assert.equal(await page.locator('#clients-count.stale').count(), 1);
    assert.equal(await page.isDisabled('#add-button'), true);
    await runAxe(page, 'stale counts');
    await hub.start();
    await page.locator('#status.status-connected').waitFor({ timeout: 20000 });
    assert.equal(await page.textContent('#clients-count'), '1 browser');
    await closePage(page);
  });
});

// What the hub sends for one file, head and body, as a browser asks for it.
function wireSize (url) {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } }, response => {
      let size = `HTTP/1.1 ${response.statusCode} ${response.statusMessage}\r\n\r\n`.length;
      for (let i = 0; i < response.rawHeaders.length; i += 2)
        size += `${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}\r\n`.length;
      response.on('data', chunk => { size += chunk.length; });
      response.on('end', () => resolve(size));
    }).on('error', reject);
  });
}

// A new browser's first visit: the bytes of every file on the wire (the
// DevTools protocol for the page's, the hub's answer for the worker's) and
// every connection the browser opened, seen by a relay.
test('a first load: under 25 KB on the wire, at most 2 connections beside the stream', async t => {
  await withHub([], async hub => {
    const relay = await new Relay(hub.port).start();
    try {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      const requests = new Map();
      cdp.on('Network.requestWillBeSent', ({ requestId, request }) =>
        requests.set(requestId, { path: new URL(request.url).pathname }));
      cdp.on('Network.responseReceived', ({ requestId, response }) =>
        Object.assign(requests.get(requestId) ?? {},
          { encoding: response.headers['Content-Encoding'] ?? response.headers['content-encoding'] }));
      cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) =>
        Object.assign(requests.get(requestId) ?? {}, { bytes: encodedDataLength }));
      await cdp.send('Network.enable');

      await page.goto(relay.url);
      await page.locator('#status.status-connected').waitFor(WAIT);
      await page.waitForTimeout(1000);
      const files = [...requests.values()].filter(request => request.bytes !== undefined);
      const pageBytes = files.reduce((sum, request) => sum + request.bytes, 0);
      const worker = await Promise.all(['shared-stream.js', 'stream.js'].map(path => wireSize(`${hub.url}${path}`)));
      const total = pageBytes + worker[0] + worker[1];
      const streams = relay.exchanges.filter(({ request }) => request.startsWith('GET /connect')).length;
      t.diagnostic(`page: ${files.map(r => `${r.path} ${r.bytes} B ${r.encoding ?? 'plain'}`).join(', ')}; ` +
        `worker: shared-stream.js ${worker[0]} B, stream.js ${worker[1]} B; total ${total} B`);
      t.diagnostic(`connections: ${relay.connections} for ${relay.exchanges.length} requests, ` +
        `${streams} of them the event stream`);
      assert.deepEqual(files.map(r => r.path).sort(), ['/', '/app.js', '/style.css']);
      assert.ok(files.every(r => r.encoding === 'gzip'), 'every file compressed');
      assert.ok(total < 25000, `${total} B`);
      assert.equal(streams, 1);
      assert.ok(relay.connections - streams <= 2, `${relay.connections} connections`);
      await context.close();
    } finally {
      await relay.close();
    }
  });
});
