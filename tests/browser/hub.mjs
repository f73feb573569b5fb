// SPDX-License-Identifier: GPL-3.0-or-later
// Starts the real headless hub for the browser tests, and Chromium; a relay
// that can go silent, and a look at the shared worker's requests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
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
    return this.postTo('addPerson', body, contentType);
  }

  // A presenter's named event, as a script on the laptop sends it.
  async sendEvent (event) {
    return this.postTo('event', event);
  }

  async postTo (path, body, contentType = 'application/json') {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }
}

// executablePath: a wrapper to start Chromium under (a network namespace).
export async function launchBrowser ({ executablePath = process.env.CHROMIUM || '/usr/bin/chromium' } = {}) {
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// The audience page's event stream lives in a shared worker, whose requests
// Playwright's page events never see; the DevTools protocol does.  Attaches
// to the workers already running for origin and records their failed
// requests.
export async function watchSharedWorkers (browser, origin) {
  const cdp = await browser.newBrowserCDPSession();
  const urls = new Map();
  const failed = [];
  cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const { method, params } = JSON.parse(message);
    if (method === 'Network.requestWillBeSent')
      urls.set(`${sessionId} ${params.requestId}`, params.request.url);
    else if (method === 'Network.loadingFailed')
      failed.push(urls.get(`${sessionId} ${params.requestId}`));
  });
  const { targetInfos } = await cdp.send('Target.getTargets');
  for (const target of targetInfos) {
    if (target.type !== 'shared_worker' || !target.url.startsWith(origin))
      continue;
    const { sessionId } = await cdp.send('Target.attachToTarget',
      { targetId: target.targetId, flatten: false });
    await cdp.send('Target.sendMessageToTarget',
      { sessionId, message: JSON.stringify({ id: 1, method: 'Network.enable' }) });
  }
  return {
    async waitForFailure (predicate, timeout) {
      const until = Date.now() + timeout;
      while (!failed.some(url => url !== undefined && predicate(url))) {
        if (Date.now() > until)
          throw new Error(`no failed request in ${timeout} ms (failed: ${failed.join(', ')})`);
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    },
    detach: () => cdp.detach(),
  };
}

// Request and status lines in a chunk: a kept-alive connection carries one
// exchange after another.
function requestLines (chunk) {
  return chunk.toString('latin1').match(/^(?:GET|HEAD|POST|OPTIONS) \S+ HTTP\/1\.1(?=\r\n)/gm) ?? [];
}

function statusLines (chunk) {
  return chunk.toString('latin1').match(/^HTTP\/1\.1 \d{3}[^\r\n]*(?=\r\n)/gm) ?? [];
}

// A TCP relay between the browser and the hub that can stop forwarding
// without closing anything: what a Wi-Fi access point that goes deaf does.
// Data held meanwhile is delivered on release; a side that closes while
// held takes its unsent data with it.
export class Relay {
  constructor (targetPort) {
    this.targetPort = targetPort;
    this.holding = false;
    this.pairs = new Set();
    this.connections = 0;   // accepted from the browser, ever
    // The first line of each request and of its answer, in order.
    this.exchanges = [];
    this.server = createServer(client => this.connect(client));
  }

  async start () {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  get url () {
    return `http://127.0.0.1:${this.server.address().port}/`;
  }

  connect (client) {
    this.connections++;
    // A browser may try again while the relay closes: it must not wait on that.
    if (this.closing) {
      client.destroy();
      return;
    }
    // While the path is held, a new connection gets no further than the
    // relay, as on a dead Wi-Fi path: the hub never sees it, so its request
    // deadline cannot answer for the silent network.
    const pair = { client, upstream: null, toUpstream: [], toClient: [] };
    const pending = [];
    const end = () => {
      client.destroy();
      pair.upstream?.destroy();
      this.pairs.delete(pair);
    };
    client.on('data', chunk => {
      for (const request of requestLines(chunk))
        pending.push({ request });
      if (this.holding || pair.upstream === null)
        pair.toUpstream.push(chunk);
      else
        pair.upstream.write(chunk);
    });
    client.on('close', end);
    client.on('error', end);
    pair.open = () => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      pair.upstream = upstream;
      upstream.on('data', chunk => {
        for (const status of statusLines(chunk)) {
          const exchange = pending.shift();
          if (exchange !== undefined)
            this.exchanges.push({ ...exchange, status });
        }
        if (this.holding)
          pair.toClient.push(chunk);
        else
          client.write(chunk);
      });
      upstream.on('close', end);
      upstream.on('error', end);
      for (const chunk of pair.toUpstream.splice(0))
        upstream.write(chunk);
    };
    this.pairs.add(pair);
    if (!this.holding)
      pair.open();
  }

  hold () {
    this.holding = true;
  }

  release () {
    this.holding = false;
    for (const pair of this.pairs) {
      if (pair.upstream === null) {
        pair.open();
        continue;
      }
      for (const chunk of pair.toUpstream.splice(0))
        pair.upstream.write(chunk);
      for (const chunk of pair.toClient.splice(0))
        pair.client.write(chunk);
    }
  }

  async close () {
    this.closing = true;
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    this.server.close();
    await once(this.server, 'close');
  }
}
