// SPDX-License-Identifier: GPL-3.0-or-later
// What every browser test does with a page: collect its errors, close it
// checking there were none, wait for the list it shows.
import assert from 'node:assert/strict';
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
