// SPDX-License-Identifier: GPL-3.0-or-later
// The browsers of tests/ui/test-drop-all-pages.c: one page on SSE, one on a
// WebSocket, each with a connection of its own, on the hub at the URL given.
// Prints "ready" once both are live, then "back sse …" and "back ws …", with
// what each page says, once each has lost its connection and come back.
// The pages stay open until the test closes this script's stdin; the exit
// status is 0 only when both came back with no script error.
import { chromium } from 'playwright-core';

const WAIT = { timeout: 45000 };
const base = process.argv[2];
if (!base)
  throw new Error('usage: drop-all-peer.mjs http://127.0.0.1:PORT/');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let allBack = false;
process.stdin.on('end', async () => {
  await browser.close();
  process.exit(allBack && !process.exitCode ? 0 : 1);
});
process.stdin.resume();

// Every state the status takes, in order: a drop and a reconnect within
// one polling interval would otherwise go unseen.
function recordStatuses () {
  const status = document.querySelector('#status');
  window.statuses = [status.className];
  new MutationObserver(() => window.statuses.push(status.className))
    .observe(status, { attributes: true, attributeFilter: ['class'] });
}

function droppedAndBack () {
  const lost = window.statuses.findIndex(name => !name.includes('status-connected'));
  return lost >= 0 && window.statuses.slice(lost).some(name => name.includes('status-connected'));
}

{
  const context = await browser.newContext({ locale: 'en-US' });
  const pages = {};
  for (const transport of ['sse', 'ws']) {
    const page = await context.newPage();
    page.on('pageerror', error => {
      console.error(`${transport} page: ${error}`);
      process.exitCode = 1;
    });
    await page.goto(`${base}?transport=${transport}&share=0`);
    pages[transport] = page;
  }
  for (const page of Object.values(pages)) {
    await page.locator('#status.status-connected').waitFor(WAIT);
    await page.evaluate(recordStatuses);
  }
  console.log('ready');

  await Promise.all(Object.entries(pages).map(async ([transport, page]) => {
    await page.waitForFunction(droppedAndBack, null, { ...WAIT, polling: 100 });
    await page.locator('#status.status-connected').waitFor(WAIT);
    const said = `${await page.textContent('#status-text')} | ${await page.textContent('#transport-info')}`;
    console.log(`back ${transport} ${said}`);
  }));
  allBack = true;
}
