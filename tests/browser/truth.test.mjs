// SPDX-License-Identifier: GPL-3.0-or-later
// A page that never lies, in headless Chromium against the real hub: one
// stream for any number of tabs, the browser's connection limit said in
// words, a silent path noticed by the heartbeat, a post that cannot hang,
// no axe-core violations in any state, and a reload that costs 304s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Relay, launchBrowser } from './hub.mjs';
import { WAIT, closePage, newAxeContext, openTab, runAxe, waitForNames, withHub } from './pages.mjs';

const BLOCKED = 'This browser has too many connections open to this address: close another tab.';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// A page in a browser of its own that watches how many streams the hub counts.
async function openObserver (hub) {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await openTab(context, hub.url);
  await page.locator('#status.status-connected').waitFor(WAIT);
  return page;
}

async function waitForClientCount (page, count) {
  await page.waitForFunction(n => document.querySelectorAll('#clients li').length === n,
    count, WAIT);
}

async function statuses (tabs) {
  return Promise.all(tabs.map(tab => tab.getAttribute('#status', 'class')));
}

async function waitForStatuses (tabs, expected) {
  const until = Date.now() + WAIT.timeout;
  for (;;) {
    const counts = {};
    for (const kind of await statuses(tabs))
      counts[kind] = (counts[kind] || 0) + 1;
    // Which tab is left out varies, and with it the order of the keys.
    if (isDeepStrictEqual(counts, expected))
      return;
    if (Date.now() > until)
      assert.fail(`tabs: ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

test('eight tabs share one stream, outlive the first tab, and show the limit with sharing off', async t => {
  await withHub(['--keepalive', '1'], async hub => {
    const observer = await openObserver(hub);
    const context = await newAxeContext(browser);
    const tabs = [];
    for (let i = 0; i < 8; i++)
      tabs.push(await openTab(context, hub.url));
    const opened = Date.now();
    for (const tab of tabs)
      await tab.locator('#status.status-connected').waitFor(WAIT);
    t.diagnostic(`all 8 tabs live ${Date.now() - opened} ms after the last one opened`);
    assert.ok(Date.now() - opened < 5000, `all 8 live after ${Date.now() - opened} ms`);

    // One stream: the hub counts this browser once, and each tab knows the
    // id is its own.
    await waitForClientCount(observer, 2);
    for (const tab of tabs) {
      await tab.locator('#clients li.you', { hasText: /^#\d+ you \(8 tabs\)$/ }).waitFor(WAIT);
      assert.equal(await tab.locator('#clients li').count(), 2);
      assert.equal(await tab.textContent('#sharing-info'), '8 tabs share 1 connection');
    }

    await tabs[7].fill('#name', 'Tab Eight');
    await tabs[7].fill('#age', '8');
    await tabs[7].click('#add-button');
    for (const tab of tabs)
      await waitForNames(tab, ['Tab Eight']);
    assert.match(readFileSync(hub.dataFile, 'utf8'), /"Tab Eight"/, 'the post is stored');

    // The tab that started the stream closes: the others never leave "Connected".
    const rest = tabs.slice(1);
    for (const tab of rest) {
      await tab.evaluate(() => {
        window.leftConnected = [];
        new MutationObserver(() => {
          const kind = document.getElementById('status').className;
          if (!kind.includes('status-connected'))
            window.leftConnected.push(kind);
        }).observe(document.getElementById('status'), { attributes: true });
      });
    }
    await tabs[0].close();
    assert.equal((await hub.post({ name: 'After the first tab', age: 1 })).status, 200);
    for (const tab of rest) {
      await waitForNames(tab, ['Tab Eight', 'After the first tab']);
      await tab.locator('#sharing-info', { hasText: '7 tabs share 1 connection' }).waitFor(WAIT);
      assert.deepEqual(await tab.evaluate(() => window.leftConnected), []);
    }
    await waitForClientCount(observer, 2);

    // Sharing off: each tab opens its own stream, six get one, and the
    // seventh says why it has none instead of hanging.
    const switched = Date.now();
    await rest[0].click('#share-switch');
    await waitForStatuses(rest, { 'status status-connected': 6, 'status status-blocked': 1 });
    t.diagnostic(`sharing off: 6 connected and 1 blocked after ${Date.now() - switched} ms`);
    const blocked = rest[(await statuses(rest)).indexOf('status status-blocked')];
    assert.equal(await blocked.textContent('#status-text'), BLOCKED);
    assert.equal(await blocked.isVisible('#stale-note'), true);
    assert.equal(await blocked.isChecked('#share-switch'), false);
    assert.match(await blocked.textContent('#sharing-info'), /^Sharing is off: .*\(6 open\)/);
    await waitForClientCount(observer, 7);
    await runAxe(blocked, 'blocked');

    // And on again: one stream for all.
    await blocked.click('#share-switch');
    await waitForStatuses(rest, { 'status status-connected': 7 });
    await waitForClientCount(observer, 2);
    for (const tab of rest)
      assert.deepEqual(tab.errors, []);
    await context.close();
    await closePage(observer);
  });
});

test('?share=0 turns sharing off for the browser; without SharedWorker each tab has its own', async () => {
  await withHub([], async hub => {
    const observer = await openObserver(hub);
    const context = await browser.newContext({ locale: 'en-US' });
    const first = await openTab(context, `${hub.url}?share=0`);
    const second = await openTab(context, hub.url);
    for (const tab of [first, second]) {
      await tab.locator('#status.status-connected').waitFor(WAIT);
      assert.equal(await tab.isChecked('#share-switch'), false);
      await tab.locator('#clients li.you', { hasText: /^#\d+ you$/ }).waitFor(WAIT);
    }
    await waitForClientCount(observer, 3);
    await context.close();

    const plain = await browser.newContext({ locale: 'en-US' });
    await plain.addInitScript(() => { delete window.SharedWorker; });
    const tabs = [await openTab(plain, hub.url), await openTab(plain, hub.url)];
    for (const tab of tabs) {
      await tab.locator('#status.status-connected').waitFor(WAIT);
      assert.equal(await tab.isDisabled('#share-switch'), true);
      assert.equal(await tab.textContent('#sharing-info'),
        'This browser cannot share a connection between tabs: each tab has its own.');
    }
    await waitForClientCount(observer, 3);
    await plain.close();
    await closePage(observer);
  });
});

test('a path that goes silent: the page says so within three heartbeats, the form waits, and both recover', async t => {
  await withHub(['--keepalive', '1'], async hub => {
    const relay = await new Relay(hub.port).start();
    try {
      const context = await newAxeContext(browser);
      const page = await openTab(context, relay.url);
      await page.locator('#status.status-connected').waitFor(WAIT);
      await hub.post({ name: 'Before', age: 1 });
      await waitForNames(page, ['Before']);
      await runAxe(page, 'connected');
      await page.click('#wire-details summary');
      await page.locator('#wire li', { hasText: 'event: heartbeat' }).first().waitFor(WAIT);
      await runAxe(page, 'wire panel open');
      // The scrollable frames are reachable from the keyboard.
      await page.focus('#wire-details summary');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'wire-scroll');

      relay.hold();
      const held = Date.now();
      await page.locator('#status.status-stale').waitFor(WAIT);
      const noticed = Date.now() - held;
      t.diagnostic(`silence noticed after ${noticed} ms (heartbeat every 1000 ms)`);
      assert.ok(noticed < 3500, `left "Connected" after ${noticed} ms`);
      assert.equal(await page.textContent('#status-text'),
        'No word from the hub for a while. Reconnecting…');
      assert.equal(await page.isVisible('#stale-note'), true);
      await runAxe(page, 'stale');

      // The form follows the connection: no add that could only time out.
      assert.equal(await page.isDisabled('#add-button'), true);
      assert.equal(await page.textContent('#form-waiting'),
        'Adding is possible again once the page reaches the hub.');

      await hub.post({ name: 'While silent', age: 2 });
      relay.release();
      await page.locator('#status.status-connected').waitFor(WAIT);
      await waitForNames(page, ['Before', 'While silent']);
      assert.equal(await page.isVisible('#stale-note'), false);
      assert.equal(await page.isEnabled('#add-button'), true);
      assert.equal(await page.textContent('#form-waiting'), '');

      await context.setOffline(true);
      await page.locator('#status.status-offline').waitFor(WAIT);
      await runAxe(page, 'offline');
      await context.setOffline(false);
      await page.locator('#status.status-connected').waitFor(WAIT);

      await hub.stop();
      await page.locator('#status.status-reconnecting').waitFor(WAIT);
      await runAxe(page, 'reconnecting');
      assert.deepEqual(page.errors, []);
      await context.close();
    } finally {
      await relay.close();
    }
  });
});

// Chromium reports a revalidated page as the 200 it had cached; the relay
// sees what the hub really answered.
test('a reload revalidates the page and sends none of its files again', async () => {
  await withHub([], async hub => {
    const relay = await new Relay(hub.port).start();
    try {
      const context = await browser.newContext();
      const page = await openTab(context, relay.url);
      await page.locator('#status.status-connected').waitFor(WAIT);
      relay.exchanges.length = 0;
      await page.reload();
      await page.locator('#status.status-connected').waitFor(WAIT);
      // The page is asked for again; its files, fresh for 10 minutes, are
      // either asked for too or taken from the cache: never sent again.
      const page304 = relay.exchanges.find(({ request }) => request === 'GET / HTTP/1.1');
      assert.equal(page304?.status, 'HTTP/1.1 304 Not Modified', 'reload of /');
      for (const path of ['/app.js', '/stream.js', '/style.css', '/shared-stream.js']) {
        const exchange = relay.exchanges.find(({ request }) => request === `GET ${path} HTTP/1.1`);
        assert.ok(exchange === undefined || exchange.status === 'HTTP/1.1 304 Not Modified',
          `reload of ${path}: ${exchange?.status}`);
      }
      await closePage(page);
    } finally {
      await relay.close();
    }
  });
});

test('a composed event: shown in its own area and on the wire, in a second tab too, with no axe violations', async () => {
  await withHub([], async hub => {
    const context = await newAxeContext(browser);
    const page = await openTab(context, hub.url);
    const second = await openTab(context, hub.url);
    for (const tab of [page, second])
      await tab.locator('#status.status-connected').waitFor(WAIT);
    assert.equal(await page.isVisible('#presenter-events-card'), false, 'hidden until one arrives');

    const sent = await hub.sendEvent({ event: 'quiz', id: 'q7', data: 'Which one reconnects?\n<b>EventSource</b>' });
    assert.equal(sent.status, 200);
    assert.deepEqual(sent.body, { event: 'quiz', bytes: 73 });

    for (const tab of [page, second]) {
      const item = tab.locator('#presenter-events li').first();
      await item.waitFor(WAIT);
      assert.equal(await item.locator('.event-name').textContent(), 'quiz');
      assert.equal(await item.locator('.event-id').textContent(), 'id q7');
      // Markup in the data is text.
      assert.equal(await item.locator('pre').textContent(), 'Which one reconnects?\n<b>EventSource</b>');
      assert.equal(await tab.locator('#presenter-events b').count(), 0);
      await tab.click('#wire-details summary');
      await tab.locator('#wire li pre', {
        hasText: 'event: quiz\nid: q7\ndata: Which one reconnects?\ndata: <b>EventSource</b>\n',
      }).waitFor(WAIT);
    }
    await runAxe(page, 'presenter event');

    // No id this time: none is shown, though EventSource keeps the last one.
    await hub.sendEvent({ event: 'quiz', data: 'Answer: both' });
    await page.locator('#presenter-events li', { hasText: 'Answer: both' }).waitFor(WAIT);
    assert.equal(await page.locator('#presenter-events li').first().locator('.event-id').count(), 0);
    const refused = await hub.sendEvent({ event: 'message', data: 'x' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.field, 'event');
    await context.close();
  });
});
