// SPDX-License-Identifier: GPL-3.0-or-later
// Starts the real headless hub for the browser tests, and Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { chromium } from 'playwright-core';

const HUB = process.env.SSE_HUB;
if (!HUB)
  throw new Error('SSE_HUB must name the sse-hub executable');

export class Hub {
  // bind: the address to listen on; null listens on every interface.
  // wrapper: a command the hub runs under (prlimit, say).  captureStderr
  // keeps what the hub prints there in this.stderr instead of passing it on.
  constructor (extraArgs = [], { bind = '127.0.0.1', wrapper = [], captureStderr = false } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'sse-hub-browser-'));
    this.dataFile = join(this.dir, 'persons.jsonl');
    this.extraArgs = extraArgs;
    this.bind = bind;
    this.wrapper = wrapper;
    this.captureStderr = captureStderr;
    this.stderr = '';
    this.port = 0;
    this.process = null;
  }

  // Resolves once the hub prints its port; a fixed port restarts in place.
  async start (port = this.port) {
    const args = ['--headless', ...(this.bind === null ? [] : ['--bind', this.bind]),
      '--port', String(port), '--data-file', this.dataFile, '--rate-limit', '0',
      ...this.extraArgs];
    const command = [...this.wrapper, HUB, ...args];
    const child = spawn(command[0], command.slice(1),
      { stdio: ['ignore', 'pipe', this.captureStderr ? 'pipe' : 'inherit'] });
    this.process = child;
    child.stderr?.on('data', chunk => { this.stderr += chunk; });
    let output = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hub did not start: ${output}`)), 10000);
      child.stdout.on('data', chunk => {
        output += chunk;
        const match = /sse-hub: listening on port (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          this.port = Number(match[1]);
          resolve();
        }
      });
      child.on('exit', code => {
        clearTimeout(timer);
        reject(new Error(`hub exited with ${code}: ${output}`));
      });
    });
    child.removeAllListeners('exit');
    return this;
  }

  get url () {
    return `http://127.0.0.1:${this.port}/`;
  }

  async stop () {
    if (this.process === null || this.process.exitCode !== null)
      return;
    const child = this.process;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    // A hub that ignores SIGTERM fails the test instead of hanging it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    const [code, signal] = await exited;
    clearTimeout(timer);
    this.process = null;
    if (code !== 0)
      throw new Error(`hub exited with status ${code} (${signal})`);
  }

  async dispose () {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  // An event stream from this machine with no Origin, as the hub's own
  // page opens it: the presenter's.  Resolves once the head is in; the
  // stream's text grows as frames arrive, close() ends it.
  async openStream () {
    const controller = new AbortController();
    const response = await fetch(`${this.url}connect`, { signal: controller.signal });
    const reader = response.body.getReader();
    const stream = { text: '', close: () => controller.abort() };
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done)
            break;
          stream.text += Buffer.from(value).toString();
        }
      } catch {}
    })();
    return stream;
  }

  async post (body, contentType = 'application/json') {
    const response = await fetch(`${this.url}addPerson`, {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }
}

export async function launchBrowser () {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
