// SPDX-License-Identifier: GPL-3.0-or-later
// The audience page in headless Chromium against the real headless hub.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import { Hub, launchBrowser } from './hub.mjs';

const SCREENSHOTS = process.env.SCREENSHOT_DIR || '.';
const WAIT = { timeout: 15000 };

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function openPage (hub, options = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', error => errors.push(error));
  page.on('console', message => {
    if (message.type() === 'error' && !/ERR_CONNECTION_REFUSED|net::/.test(message.text()))
      errors.push(new Error(message.text()));
  });
  page.errors = errors;
  await page.goto(hub.url);
  await page.locator('#status.status-connected').waitFor(WAIT);
  return page;
}

async function personNames (page) {
  return page.locator('#persons .person-name').allTextContents();
}

async function waitForNames (page, names) {
  await page.waitForFunction(
    expected => JSON.stringify([...document.querySelectorAll('#persons .person-name')]
      .map(element => element.textContent)) === JSON.stringify(expected),
    names, WAIT);
}

async function withHub (args, body) {
  const hub = await new Hub(args).start();
  try {
    await body(hub);
  } finally {
    await hub.dispose();
  }
}

test('a post from one page appears on the other, and a post through the hub on both', async () => {
  await withHub([], async hub => {
    const first = await openPage(hub);
    const second = await openPage(hub);

    await first.fill('#name', 'Ada Lovelace');
    await first.fill('#age', '36');
    await first.press('#age', 'Enter');
    await waitForNames(second, ['Ada Lovelace']);
    await waitForNames(first, ['Ada Lovelace']);
    assert.equal(await first.inputValue('#name'), '', 'the form is cleared after adding');
    // The newcomer is highlighted for a moment.
    await second.locator('#persons li.new').first().waitFor(WAIT);

    const posted = await hub.post('name=lzc2&age=22', 'application/x-www-form-urlencoded');
    assert.equal(posted.status, 200);
    await waitForNames(first, ['Ada Lovelace', 'lzc2']);
    await waitForNames(second, ['Ada Lovelace', 'lzc2']);
    assert.equal(await second.textContent('#persons-count'), '2 persons');

    assert.deepEqual(first.errors, []);
    assert.deepEqual(second.errors, []);
    await first.context().close();
    await second.context().close();
  });
});

test('the clients count and "you" are right and drop when a page closes', async () => {
  await withHub(['--keepalive', '1'], async hub => {
    const first = await openPage(hub);
    const second = await openPage(hub);

    await first.waitForFunction(() => document.querySelectorAll('#clients li').length === 2, null, WAIT);
    await second.waitForFunction(() => document.querySelectorAll('#clients li').length === 2, null, WAIT);
    assert.equal(await first.textContent('#clients-count'), '2 browsers');
    const firstYou = await first.textContent('#clients li.you');
    const secondYou = await second.textContent('#clients li.you');
    assert.match(firstYou, /^#\d+ you$/);
    assert.match(secondYou, /^#\d+ you$/);
    assert.notEqual(firstYou, secondYou);
    assert.equal(await first.locator('#clients li.you').count(), 1);

    await second.context().close();
    await first.waitForFunction(() => document.querySelectorAll('#clients li').length === 1, null, WAIT);
    assert.equal(await first.textContent('#clients-count'), '1 browser');
    assert.equal(await first.textContent('#clients li.you'), firstYou);
    await first.context().close();
  });
});

test('a restarted hub: the page shows reconnecting, then the current list', async () => {
  await withHub([], async hub => {
    await hub.post({ name: 'Before', age: 1 });
    const page = await openPage(hub);
    await waitForNames(page, ['Before']);

    await hub.stop();
    await page.locator('#status.status-reconnecting').waitFor(WAIT);
    assert.match(await page.textContent('#status-text'), /Reconnecting/);
    assert.equal(await page.isVisible('#stale-note'), true, 'the list is marked as possibly stale');

    await hub.start();
    const added = await hub.post({ name: 'After', age: 2 });
    assert.equal(added.status, 200);
    await page.locator('#status.status-connected').waitFor({ timeout: 20000 });
    await waitForNames(page, ['Before', 'After']);
    assert.equal(await page.isVisible('#stale-note'), false);
    await page.context().close();
  });
});

test('a name with markup shows as text and runs no script', async () => {
  await withHub([], async hub => {
    const page = await openPage(hub);
    const nasty = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    await page.fill('#name', nasty);
    await page.fill('#age', '9');
    await page.click('#add-button');
    await waitForNames(page, [nasty]);

    assert.equal(await page.locator('#persons img, #persons b').count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    // The raw frame is shown as text too.
    await page.click('#wire-details summary');
    assert.match(await page.textContent('#wire li:first-child pre'), /<img src=x/);
    assert.equal(await page.locator('#wire img').count(), 0);
    await page.context().close();
  });
});

test('the hub\'s refusal appears inline next to the field and changes nothing', async () => {
  await withHub([], async hub => {
    const page = await openPage(hub);

    await page.fill('#name', '   ');
    await page.fill('#age', '20');
    await page.click('#add-button');
    await page.locator('#name-error:not(:empty)').waitFor(WAIT);
    assert.equal(await page.textContent('#name-error'), 'Name is required');
    assert.equal(await page.getAttribute('#name', 'aria-invalid'), 'true');

    await page.fill('#name', 'Old');
    await page.fill('#age', '151');
    await page.click('#add-button');
    await page.locator('#age-error:not(:empty)').waitFor(WAIT);
    assert.match(await page.textContent('#age-error'), /Age must be a whole number/);
    assert.deepEqual(await personNames(page), []);
    await page.context().close();
  });
});

test('with audience writes off the page shows a note instead of the form', async () => {
  await withHub(['--read-only'], async hub => {
    const page = await openPage(hub);
    assert.equal(await page.isVisible('#add-form'), false);
    assert.equal(await page.isVisible('#writes-off'), true);
    await page.context().close();
  });
});

test('Simplified Chinese follows the browser language', async () => {
  await withHub([], async hub => {
    await hub.post({ name: '李雷', age: 12 });
    const page = await openPage(hub, { locale: 'zh-CN' });
    await waitForNames(page, ['李雷']);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.textContent('#persons-heading'), '人员');
    assert.equal(await page.textContent('#status-text'), '已连接：更新实时到达');
    await page.context().close();
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
  evtSource.addEventListener('client', (event) => {
    document.getElementById('clients').textContent = JSON.stringify(JSON.parse(event.data));
  });
  document.getElementById('add').onclick = () => {
    const xhr = new XMLHttpRequest();
    xhr.onload = () => { document.body.dataset.status = String(xhr.status); };
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
      await page.goto(`http://127.0.0.1:${other.address().port}/`);
      await page.waitForFunction(() => document.getElementById('data').textContent === 'data: []', null, WAIT);
      await page.waitForFunction(() => /^\[\d+\]$/.test(document.getElementById('clients').textContent), null, WAIT);

      await page.click('#add');
      await page.waitForFunction(() => document.body.dataset.status === '200', null, WAIT);
      await page.waitForFunction(
        () => document.getElementById('data').textContent === 'data: [{"name":"lzc2","age":22}]', null, WAIT);
      await context.close();
    } finally {
      other.close();
    }
  });
});

test('screenshots: phone and laptop, light and dark', async () => {
  await withHub([], async hub => {
    for (const [name, age] of [['Ada Lovelace', 36], ['Alan Turing', 41], ['Grace Hopper', 85], ['李雷', 12]])
      await hub.post({ name, age });
    const sizes = { phone: { width: 390, height: 844 }, laptop: { width: 1280, height: 800 } };
    for (const [sizeName, viewport] of Object.entries(sizes)) {
      for (const colorScheme of ['light', 'dark']) {
        const page = await openPage(hub, { viewport, colorScheme });
        await waitForNames(page, ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', '李雷']);
        await page.click('#wire-details summary');
        await page.fill('#name', 'Katherine');
        await page.fill('#age', '200');
        await page.click('#add-button');
        await page.locator('#age-error:not(:empty)').waitFor(WAIT);
        await page.screenshot({ path: join(SCREENSHOTS, `audience-${sizeName}-${colorScheme}.png`), fullPage: sizeName === 'phone' });
        await page.context().close();
      }
    }
  });
});
