// SPDX-License-Identifier: GPL-3.0-or-later
// The audience page in headless Chromium against the real headless hub.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, watchSharedWorkers } from './hub.mjs';
import { WAIT, closePage, waitForNames, watchErrors, withHub } from './pages.mjs';

const SCREENSHOTS = process.env.SCREENSHOT_DIR || '.';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// A page on the hub; by default it waits until the page says it is connected.
async function openPage (hub, { waitConnected = true, ...options } = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  const page = watchErrors(await context.newPage());
  page.response = await page.goto(hub.url);
  if (waitConnected)
    await page.locator('#status.status-connected').waitFor(WAIT);
  return page;
}

async function personNames (page) {
  return page.locator('#persons .person-name').allTextContents();
}

async function waitForClientCount (page, count) {
  await page.waitForFunction(n => document.querySelectorAll('#clients li').length === n,
    count, WAIT);
}

test('a post from one page appears on the other, and a post through the hub on both', async () => {
  await withHub([], async hub => {
    const first = await openPage(hub);
    const second = await openPage(hub);
    assert.equal(await first.isVisible('#persons-empty'), true, 'an empty list says so');

    await first.fill('#name', 'Ada Lovelace');
    await first.fill('#age', '36');
    await first.press('#age', 'Enter');
    await waitForNames(second, ['Ada Lovelace']);
    await waitForNames(first, ['Ada Lovelace']);
    assert.equal(await first.inputValue('#name'), '', 'the form is cleared after adding');
    assert.equal(await first.textContent('#form-status'), 'Added Ada Lovelace.');
    // The newcomer is highlighted for a moment, and said aloud.
    await second.locator('#persons li.new').first().waitFor(WAIT);
    assert.equal(await second.textContent('#announcer'), 'New: Ada Lovelace, 36');
    assert.equal(await second.isVisible('#persons-empty'), false);

    const posted = await hub.post('name=lzc2&age=22', 'application/x-www-form-urlencoded');
    assert.equal(posted.status, 200);
    await waitForNames(first, ['Ada Lovelace', 'lzc2']);
    await waitForNames(second, ['Ada Lovelace', 'lzc2']);
    assert.equal(await second.textContent('#persons-count'), '2 persons');
    assert.equal(await second.textContent('#persons li:last-child .person-age'), '22');

    await closePage(first);
    await closePage(second);
  });
});

test('the clients count and "you" are right and drop when a page closes', async () => {
  // The default 15 s keep-alive: a closed page must leave at once, not when
  // a write to it next fails.
  await withHub([], async hub => {
    const first = await openPage(hub);
    const second = await openPage(hub);

    await waitForClientCount(first, 2);
    await waitForClientCount(second, 2);
    assert.equal(await first.textContent('#clients-count'), '2 browsers');
    const firstYou = await first.textContent('#clients li.you');
    const secondYou = await second.textContent('#clients li.you');
    assert.match(firstYou, /^#\d+ you$/);
    assert.match(secondYou, /^#\d+ you$/);
    assert.notEqual(firstYou, secondYou);
    assert.equal(await first.locator('#clients li.you').count(), 1);
    assert.equal(await first.getAttribute('#clients li.you', 'aria-current'), 'true');
    // Each page lists the other's id too.
    assert.equal(await first.locator('#clients li', { hasText: secondYou.split(' ')[0] }).count(), 1);

    const closedAt = Date.now();
    await closePage(second);
    await waitForClientCount(first, 1);
    assert.ok(Date.now() - closedAt < 5000, `the closed page left after ${Date.now() - closedAt} ms`);
    assert.equal(await first.textContent('#clients-count'), '1 browser');
    assert.equal(await first.textContent('#clients li.you'), firstYou);
    await closePage(first);
  });
});

test('a restarted hub: the page counts down to reconnecting, then shows the current list', async () => {
  await withHub([], async hub => {
    await hub.post({ name: 'Before', age: 1 });
    const page = await openPage(hub);
    await waitForNames(page, ['Before']);
    const worker = await watchSharedWorkers(browser, hub.url);

    await hub.stop();
    await page.locator('#status.status-reconnecting').waitFor(WAIT);
    assert.equal(await page.textContent('#status-text'), 'Connection lost. Reconnecting…');
    await page.locator('#status-countdown', { hasText: /^\d+\s+s$/ }).waitFor(WAIT);
    assert.equal(await page.isVisible('#stale-note'), true, 'the list is marked as possibly stale');
    assert.equal(await page.locator('#clients li.you').count(), 0, 'no id while disconnected');
    await page.screenshot({ path: join(SCREENSHOTS, 'audience-reconnecting.png') });

    // At least one try meets a closed port before the hub is back (the
    // shared worker, not the page, holds the stream).
    await worker.waitForFailure(url => new URL(url).pathname === '/connect', 15000);
    await worker.detach();
    await page.locator('#status.status-reconnecting').waitFor(WAIT);

    // The list changes while the page is away: it must not keep the old one.
    await hub.start();
    const added = await hub.post({ name: 'After', age: 2 });
    assert.equal(added.status, 200);
    await page.locator('#status.status-connected').waitFor({ timeout: 20000 });
    await waitForNames(page, ['Before', 'After']);
    assert.equal(await page.isVisible('#stale-note'), false);
    assert.equal(await page.textContent('#status-countdown'), '');
    await page.locator('#clients li.you').waitFor(WAIT);
    await closePage(page);
  });
});

test('offline: the page says so, and catches up as soon as the network is back', async () => {
  await withHub([], async hub => {
    const page = await openPage(hub);
    await page.context().setOffline(true);
    await page.locator('#status.status-offline').waitFor(WAIT);
    assert.equal(await page.textContent('#status-text'), 'Offline. Waiting for the network…');

    await hub.post({ name: 'While away', age: 3 });
    await page.context().setOffline(false);
    await page.locator('#status.status-connected').waitFor(WAIT);
    await waitForNames(page, ['While away']);
    await closePage(page);
  });
});

test('a full hub: the page says so and counts down to its next try', async () => {
  await withHub(['--max-clients', '1'], async hub => {
    const first = await openPage(hub);
    // Pages on this machine are the presenter's, who keeps a few streams
    // past the limit (SSE_HUB_PRESENTER_STREAM_SLOTS, 4): take the rest.
    const reserved = await Promise.all([1, 2, 3].map(() => hub.openStream()));
    const second = await openPage(hub, { waitConnected: false });
    await second.locator('#status.status-full').waitFor(WAIT);
    assert.equal(await second.textContent('#status-text'),
      'The hub is full. Waiting for a free place…');
    await second.locator('#status-countdown', { hasText: /^[1-3]\d\s+s$/ }).waitFor(WAIT);
    assert.equal(await second.locator('#wire li', { hasText: 'event: full' }).count(), 1);
    await closePage(second);
    await closePage(first);
    reserved.forEach(stream => stream.close());
  });
});

test('safe by construction: markup in a name shows as text and runs no script', async () => {
  await withHub([], async hub => {
    const page = await openPage(hub);
    const headers = page.response.headers();
    assert.match(headers['content-security-policy'], /script-src 'self'/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'no-referrer');

    const nasty = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    await page.fill('#name', nasty);
    await page.fill('#age', '9');
    await page.click('#add-button');
    await waitForNames(page, [nasty]);

    assert.equal(await page.locator('#persons img, #persons b').count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.textContent('#form-status'), `Added ${nasty}.`);
    // The raw frame is shown as text too; the panel opens from the keyboard.
    await page.focus('#wire-details summary');
    await page.keyboard.press('Enter');
    await page.locator('#wire').waitFor({ state: 'visible', ...WAIT });
    assert.match(await page.textContent('#wire li:first-child pre'), /^id: \d+\ndata: .*<img src=x/);
    assert.equal(await page.locator('#wire img').count(), 0);
    await closePage(page);
  });
});

test('the hub\'s refusals appear inline next to the field and change nothing', async () => {
  await withHub(['--max-persons', '1'], async hub => {
    const page = await openPage(hub);

    await page.fill('#name', '   ');
    await page.fill('#age', '20');
    await page.click('#add-button');
    await page.locator('#name-error:not(:empty)').waitFor(WAIT);
    assert.equal(await page.textContent('#name-error'), 'Name is required');
    assert.equal(await page.getAttribute('#name', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'name');
    assert.equal(await page.textContent('#age-error'), '');

    await page.fill('#name', 'Old');
    assert.equal(await page.textContent('#name-error'), '', 'typing clears the error');
    await page.fill('#age', '151');
    await page.click('#add-button');
    await page.locator('#age-error:not(:empty)').waitFor(WAIT);
    assert.match(await page.textContent('#age-error'), /Age must be a whole number/);
    assert.equal(await page.getAttribute('#age', 'aria-invalid'), 'true');
    assert.equal(await page.getAttribute('#name', 'aria-invalid'), null);
    assert.deepEqual(await personNames(page), []);

    // A refusal about no field in particular goes under the form.
    assert.equal((await hub.post({ name: 'First', age: 1 })).status, 200);
    await waitForNames(page, ['First']);
    await page.fill('#age', '70');
    await page.click('#add-button');
    await page.locator('#form-error:not(:empty)').waitFor(WAIT);
    assert.match(await page.textContent('#form-error'), /full/);
    assert.equal(await page.textContent('#age-error'), '');
    assert.deepEqual(await personNames(page), ['First']);
    await closePage(page);
  });
});

test('with audience writes off the page shows a note instead of the form', async () => {
  await withHub(['--read-only'], async hub => {
    const page = await openPage(hub);
    assert.equal(await page.isVisible('#add-form'), false);
    assert.equal(await page.textContent('#writes-off'),
      'The presenter has turned off adding persons. Watch the list change live.');
    assert.equal(await page.isVisible('#writes-off'), true);
    await closePage(page);
  });
});

test('Simplified Chinese follows the browser language', async () => {
  await withHub([], async hub => {
    await hub.post({ name: '李雷', age: 12 });
    const page = await openPage(hub, { locale: 'zh-CN' });
    await waitForNames(page, ['李雷']);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.title(), 'SSE Hub');
    assert.equal(await page.textContent('#persons-heading'), '人员');
    assert.equal(await page.textContent('#status-text'), '已连接：更新实时到达');
    assert.equal(await page.textContent('label[for="name"]'), '姓名');
    assert.equal(await page.textContent('#persons-count'), '1 人');
    assert.match(await page.textContent('#clients li.you'), /^#\d+ 你$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'audience-zh.png') });
    await closePage(page);
  });
});

// The original Express + React demo's front end, reduced to plain script: it
// lives on another origin, listens with EventSource and posts a form with XHR.
const ORIGINAL_DEMO = port => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>original demo</title></head><body>
<div id="data"></div><div id="clients"></div>
<button id="add">新增一个数据</button>
<script>
  const evtSource = new EventSource('http://127.0.0.1:${port}/connect');
  evtSource.onmessage = (event) => {
    document.getElementById('data').textContent = 'data: ' + JSON.stringify(JSON.parse(event.data));
  };
  evtSource.addEventListener('client', function (event) {
    document.getElementById('clients').textContent = JSON.stringify(JSON.parse(event.data));
  });
  evtSource.onerror = function (err) {
    console.error('EventSource failed:', err);
  };
  document.getElementById('add').onclick = () => {
    const xhr = new XMLHttpRequest();
    xhr.onload = () => {
      document.body.dataset.status = String(xhr.status);
      document.body.dataset.response = xhr.response || xhr.responseText;
    };
    xhr.onerror = () => { document.body.dataset.status = 'error'; };
    xhr.open('POST', 'http://127.0.0.1:${port}/addPerson');
    xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
    xhr.send('name=lzc2&age=22');
  };
</script></body></html>`;

test('a cross-origin page written like the original demo works unchanged', async () => {
  await withHub([], async hub => {
    const other = createServer((request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(ORIGINAL_DEMO(hub.port));
    });
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', error => errors.push(error));
      page.on('console', message => {
        if (message.type() === 'error')
          errors.push(new Error(message.text()));
      });
      await page.goto(`http://127.0.0.1:${other.address().port}/`);
      await page.waitForFunction(() => document.getElementById('data').textContent === 'data: []', null, WAIT);
      await page.waitForFunction(() => /^\[\d+\]$/.test(document.getElementById('clients').textContent), null, WAIT);

      await page.click('#add');
      await page.waitForFunction(() => document.body.dataset.status !== undefined, null, WAIT);
      assert.equal(await page.getAttribute('body', 'data-status'), '200');
      assert.deepEqual(JSON.parse(await page.getAttribute('body', 'data-response')),
        { name: 'lzc2', age: 22 });
      await page.waitForFunction(
        () => document.getElementById('data').textContent === 'data: [{"name":"lzc2","age":22}]', null, WAIT);
      // And our own page on the hub sees the demo's post.
      const audience = await openPage(hub);
      await waitForNames(audience, ['lzc2']);
      await closePage(audience);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      other.close();
    }
  });
});

// UPDATE_SCREENSHOTS=1 also refreshes the two light ones in data/screenshots.
const SOURCE_SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data',
  'screenshots');

test('screenshots: phone and laptop, light and dark; no sideways scrolling at 360 px', async () => {
  await withHub(['--keepalive', '1'], async hub => {
    const people = [['Ada Lovelace', 36], ['Alan Turing', 41], ['Grace Hopper', 85],
      ['李雷', 12], ['Katherine Johnson', 101]];
    for (const [name, age] of people)
      await hub.post({ name, age });
    const names = people.map(([name]) => name);

    // Someone else in the room, so that "you" stands out among others.
    const neighbour = await openPage(hub);

    const narrow = await openPage(hub, { viewport: { width: 360, height: 740 } });
    await waitForNames(narrow, names);
    await narrow.click('#wire-details summary');
    await narrow.fill('#name', 'A rather long name that has to wrap somewhere');
    await narrow.fill('#age', '1000');
    await narrow.click('#add-button');
    await narrow.locator('#age-error:not(:empty)').waitFor(WAIT);
    assert.equal(await narrow.evaluate(() => document.documentElement.scrollWidth), 360);
    await closePage(narrow);

    const sizes = { phone: { width: 390, height: 844 }, laptop: { width: 1366, height: 768 } };
    for (const [sizeName, viewport] of Object.entries(sizes)) {
      for (const colorScheme of ['light', 'dark']) {
        const page = await openPage(hub, { viewport, colorScheme });
        // A second tab of the same browser shares the stream.
        await watchErrors(await page.context().newPage()).goto(hub.url);
        await waitForNames(page, names);
        await waitForClientCount(page, 2);
        await page.click('#wire-details summary');
        await page.fill('#name', 'Margaret Hamilton');
        await page.fill('#age', '200');
        await page.click('#add-button');
        await page.locator('#age-error:not(:empty)').waitFor(WAIT);
        await page.locator('#sharing-info', { hasText: '2 tabs share 1 connection' }).waitFor(WAIT);
        await page.locator('#clients li.you', { hasText: 'you (2 tabs)' }).waitFor(WAIT);
        // The presenter's events in their own area.
        await hub.sendEvent({ event: 'poll', id: 'q1', data: 'Which one reconnects by itself?\nEventSource or fetch' });
        await page.locator('#presenter-events li', { hasText: 'EventSource or fetch' }).waitFor(WAIT);
        // The presenter's event beside the list and the form's error.
        await page.evaluate(() => document.getElementById('presenter-events-card')
          .scrollIntoView({ block: 'center' }));
        const file = join(SCREENSHOTS, `audience-${sizeName}-${colorScheme}.png`);
        await page.screenshot({ path: file });
        if (process.env.UPDATE_SCREENSHOTS && colorScheme === 'light') {
          mkdirSync(SOURCE_SCREENSHOTS, { recursive: true });
          copyFileSync(file, join(SOURCE_SCREENSHOTS, `audience-${sizeName}.png`));
        }
        await closePage(page);
        // The next page must see only the neighbour and itself.
        await waitForClientCount(neighbour, 1);
      }
    }
    await closePage(neighbour);
  });
});
