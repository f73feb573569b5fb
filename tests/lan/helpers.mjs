// SPDX-License-Identifier: GPL-3.0-or-later
// What the LAN tests share: a hub on every interface for the length of a
// test, event streams from students, the stored list as the presenter sees
// it, and curl from the presenter's machine with headers of the test's
// choosing.
import { spawn } from 'node:child_process';
import { Hub } from '../browser/hub.mjs';

export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// The hub listens on every interface, so students reach it on the LAN.
export async function withHub (args, body, options = {}) {
  const hub = await new Hub(args, { bind: null, ...options }).start();
  try {
    await body(hub);
  } finally {
    await hub.dispose();
  }
}

// What one /connect answers first: 'hello' for a slot, 'full' for a refusal.
export async function firstEvent (stream) {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const match = /^event: (hello|full)$/m.exec(stream.text);
    if (match)
      return match[1];
    await sleep(20);
  }
  throw new Error(`no hello or full event in ${JSON.stringify(stream.text)}`);
}

// n streams from one student address, opened one after the other.
export async function openStreams (lan, from, url, n) {
  const streams = [];
  for (let i = 0; i < n; i++) {
    const stream = lan.openStream(from, url);
    await stream.opened;
    streams.push(stream);
  }
  return streams;
}

// The stored list, read from the presenter's own stream.
export async function storedNames (hub) {
  const stream = await hub.openStream();
  try {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const match = /^id: \d+\ndata: (.*)$/m.exec(stream.text);
      if (match)
        return JSON.parse(match[1]).map(person => person.name);
      await sleep(20);
    }
    throw new Error('no list on the presenter stream');
  } finally {
    stream.close();
  }
}

// curl on the presenter's machine.  Resolves to { status, head, body }.
export async function curlFromHost (url, args = []) {
  const output = await new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '-g', '--max-time', '10', '-D', '-', ...args, url],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', chunk => { out += chunk; });
    child.on('close', code => code === 0 ? resolve(out) : reject(new Error(`curl exited ${code}`)));
  });
  const split = output.indexOf('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d+)/.exec(output)?.[1]),
    head: output.slice(0, split),
    body: output.slice(split + 4),
  };
}

// curl arguments that post a person as JSON, with extra headers.
export function postArgs (person, headers = []) {
  return ['-H', 'Content-Type: application/json', ...headers.flatMap(h => ['-H', h]),
    '--data-binary', JSON.stringify(person)];
}
