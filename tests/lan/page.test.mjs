// SPDX-License-Identifier: GPL-3.0-or-later
// The audience page of a student's browser gives the reason for each
// refusal a student can meet: this computer's stream limit (not "hub
// full"), the posting limits with their Retry-After, a full list.  Chromium
// runs inside the student's network namespace, on its first address.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAxe } from '../browser/pages.mjs';
import { launchBrowser } from '../browser/hub.mjs';
import { hostUrl, lanForThisFile, lanSkip } from './netns.mjs';
import { openStreams, withHub } from './helpers.mjs';

const skip = lanSkip;
const lan = lanForThisFile();
// The browser suite's npm packages.
const WAIT = { timeout: 15000 };
const dir = mkdtempSync(join(tmpdir(), 'sse-hub-lan-page-'));

after(() => rmSync(dir, { recursive: true, force: true }));

// Chromium as a student machine: started inside the namespace.
async function launchStudentBrowser () {
  const wrapper = join(dir, 'chromium-in-netns');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${lan.ns} ${process.env.CHROMIUM || '/usr/bin/chromium'} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return launchBrowser({ executablePath: wrapper });
}

async function studentPage (browser, url, locale = 'en-US') {
  const context = await browser.newContext({ locale, bypassCSP: true, reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

async function add (page, name) {
  await page.fill('#name', name);
  await page.fill('#age', '20');
  await page.click('#add-button');
}

test('a ninth browser behind one address hears about this computer\'s limit, not a full hub', { skip }, async () => {
  await withHub([], async hub => {
    // Eight browsers of the class behind the student machine's address.
    const streams = await openStreams(lan, lan.studentIPv4[0], hostUrl(lan.hostIPv4, hub.port, 'connect'), 8);
    const browser = await launchStudentBrowser();
    try {
      const page = await studentPage(browser, hostUrl(lan.hostIPv4, hub.port));
      await page.locator('#status.status-full').waitFor(WAIT);
      assert.equal(await page.textContent('#status-text'),
        'This computer already has 8 pages open on the hub, the most one computer may: close one, ' +
        'or ask the presenter to raise the limit.');
      // The countdown stays on one line on a phone.
      await page.setViewportSize({ width: 360, height: 740 });
      const countdown = page.locator('#status-countdown', { hasText: /^\d+\s+s$/ });
      await countdown.waitFor(WAIT);
      const box = await countdown.boundingBox();
      assert.ok(box.height < 30, `the countdown is ${box.height} px tall`);
      await runAxe(page, 'address full');
      // The hub answers posts still: the form stays usable.
      assert.equal(await page.isEnabled('#add-button'), true);
      await page.context().close();

      const zh = await studentPage(browser, hostUrl(lan.hostIPv4, hub.port), 'zh-CN');
      await zh.locator('#status.status-full').waitFor(WAIT);
      assert.equal(await zh.textContent('#status-text'),
        '这台电脑已在服务器上打开了 8 个页面，达到一台电脑的上限：请关闭一个，或请演示者提高上限。');
      await zh.context().close();
    } finally {
      await browser.close();
      streams.forEach(stream => stream.close());
    }
  });
});

test('posting limits: Retry-After counted down, a computer\'s total, a full list', { skip }, async () => {
  await withHub(['--rate-limit', '1', '--max-persons-per-address', '2', '--max-persons', '3'], async hub => {
    const browser = await launchStudentBrowser();
    try {
      const page = await studentPage(browser, hostUrl(lan.hostIPv4, hub.port));
      await page.locator('#status.status-connected').waitFor(WAIT);
      await add(page, 'First');
      await page.locator('#form-status', { hasText: 'Added First.' }).waitFor(WAIT);
      await add(page, 'Second');
      await page.locator('#form-error', { hasText: /^Too many persons were added just now\. You can add again in \d+\s+s\.$/ })
        .waitFor(WAIT);
      assert.equal(await page.isDisabled('#add-button'), true, 'until the hub takes posts again');
      await runAxe(page, 'rate limited');
    } finally {
      await browser.close();
    }
  });

  await withHub(['--max-persons-per-address', '1'], async hub => {
    const browser = await launchStudentBrowser();
    try {
      const page = await studentPage(browser, hostUrl(lan.hostIPv4, hub.port));
      await page.locator('#status.status-connected').waitFor(WAIT);
      await add(page, 'Only');
      await page.locator('#form-status', { hasText: 'Added Only.' }).waitFor(WAIT);
      await add(page, 'Another');
      await page.locator('#form-error', { hasText: 'This computer has added as many persons as one computer may.' })
        .waitFor(WAIT);
      await runAxe(page, 'computer total reached');
    } finally {
      await browser.close();
    }
  });

  await withHub(['--max-persons', '1'], async hub => {
    assert.equal((await hub.post({ name: 'Presenter', age: 40 })).status, 200);
    const browser = await launchStudentBrowser();
    try {
      const page = await studentPage(browser, hostUrl(lan.hostIPv4, hub.port));
      await page.locator('#status.status-connected').waitFor(WAIT);
      await add(page, 'One too many');
      await page.locator('#form-error', { hasText: 'The list is full: the hub takes no more persons.' })
        .waitFor(WAIT);
      await runAxe(page, 'list full');
    } finally {
      await browser.close();
    }
  });
});
