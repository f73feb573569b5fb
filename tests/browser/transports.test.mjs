// SPDX-License-Identifier: GPL-3.0-or-later
// The page over a WebSocket: eight tabs of one browser all live with
// sharing off (SSE would stop at six), a post from the eighth reaching the
// first over the socket, the wire panel's bytes beside SSE's, the page's
// own reconnect after the hub comes back, axe-core clean, and zh_CN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './hub.mjs';
import { WAIT, closePage, newAxeContext, openTab, runAxe, waitForNames, withHub } from './pages.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('eight WebSocket tabs of one browser are all live, and a post from the last reaches the first', async () => {
  await withHub(['--max-streams-per-address', '0'], async hub => {
    const context = await newAxeContext(browser);
    const url = `${hub.url}?transport=ws&share=0`;
    const tabs = [];
    for (let i = 0; i < 8; i++)
      tabs.push(await openTab(context, url));
    for (const tab of tabs)
      await tab.locator('#status.status-connected').waitFor(WAIT);

    assert.match(await tabs[0].textContent('#transport-info'), /WebSocket: its own script reconnects it/);
    assert.equal(await tabs[0].isChecked('input[name="transport"][value="ws"]'), true);

    await tabs[7].fill('#name', 'Grace Hopper');
    await tabs[7].fill('#age', '85');
    await tabs[7].press('#age', 'Enter');
    await waitForNames(tabs[0], ['Grace Hopper']);
    assert.equal(await tabs[7].textContent('#form-status'), 'Added Grace Hopper.');

    // Each socket message with its bytes, and what SSE would have cost.
    await tabs[0].locator('#wire-details summary').click();
    const wire = await tabs[0].textContent('#wire');
    assert.match(wire, /"event":"message"/);
    assert.match(wire, /\d+ bytes on the wire as a WebSocket message · \d+ bytes as an SSE event/);
    await runAxe(tabs[0], 'WebSocket');

    // The hub restarts: the page's script brings the socket back, and says so.
    await hub.stop();
    await tabs[0].locator('#status:not(.status-connected)').waitFor(WAIT);
    await hub.start();
    await tabs[0].waitForFunction(() => document.querySelector('#status-text').textContent ===
      'Connected again: this page’s script reconnected the WebSocket', null, { timeout: 30000 });
    await waitForNames(tabs[0], ['Grace Hopper']);

    for (const tab of tabs)
      assert.deepEqual(tab.errors.filter(error => !/WebSocket/.test(error.message)), []);
    await context.close();
  });
});

test('the transport switch says which pipe, in zh_CN too', async () => {
  await withHub([], async hub => {
    const context = await newAxeContext(browser, { locale: 'zh-CN' });
    const page = await openTab(context, hub.url);
    await page.locator('#status.status-connected').waitFor(WAIT);
    assert.match(await page.textContent('#transport-info'), /SSE/);
    await page.check('input[name="transport"][value="ws"]');
    await page.waitForURL(/transport=ws/, WAIT);
    await page.locator('#status.status-connected').waitFor(WAIT);
    assert.equal(await page.textContent('#transport-info'),
      '本页通过 WebSocket 获取更新：由页面自己的脚本重新连接。');
    await runAxe(page, 'WebSocket, zh_CN');
    await closePage(page);
  });
});
