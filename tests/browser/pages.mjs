// SPDX-License-Identifier: GPL-3.0-or-later
// What every browser test does with a page: open it collecting its errors,
// close it checking there were none, wait for the list it shows, and check
// it with axe-core in light and dark.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Hub } from './hub.mjs';

export const WAIT = { timeout: 15000 };

export function watchErrors (page) {
  const errors = [];
  page.on('pageerror', error => errors.push(error));
  page.on('console', message => {
    // Refused connections while the hub is down and the hub's refusals are
    // expected; everything else, CSP violations included, is a failure.
    if (message.type() === 'error' && !/net::ERR_|^Failed to load resource/.test(message.text()))
      errors.push(new Error(message.text()));
  });
  page.errors = errors;
  return page;
}

export async function openTab (context, url) {
  const page = watchErrors(await context.newPage());
  await page.goto(url);
  return page;
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export async function runAxe (page, state) {
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    if (await page.evaluate(() => window.axe === undefined))
      await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => (await window.axe.run()).violations
      .map(violation => `${violation.id}: ${violation.nodes.map(node => node.target).join(' ')}`));
    assert.deepEqual(violations, [], `axe-core in the ${state} state, ${colorScheme}`);
  }
}

// A context axe-core can be let into (bypassCSP) and that keeps colours
// still for it (reducedMotion).
export function newAxeContext (browser, options = {}) {
  return browser.newContext({ locale: 'en-US', bypassCSP: true, reducedMotion: 'reduce', ...options });
}

export async function closePage (page) {
  assert.deepEqual(page.errors, [], 'no script errors or CSP violations');
  await page.context().close();
}

export async function waitForNames (page, names) {
  await page.waitForFunction(
    expected => JSON.stringify([...document.querySelectorAll('#persons .person-name')]
      .map(element => element.textContent)) === JSON.stringify(expected),
    names, WAIT);
}

export async function withHub (args, body) {
  const hub = await new Hub(args).start();
  try {
    await body(hub);
  } finally {
    await hub.dispose();
  }
}
