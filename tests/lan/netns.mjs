// SPDX-License-Identifier: GPL-3.0-or-later
// A classroom LAN inside this machine: one network namespace per student
// machine, joined to the presenter's laptop (this host) by a veth pair, with
// addresses the test assigns.  On loopback every peer is the presenter, so
// only a path like this one shows what the audience can and cannot do.
import { execFileSync, spawn } from 'node:child_process';
import { before, after } from 'node:test';

function ip (...args) {
  return execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

// Namespaces need root; as root, failing to make one is a real failure.
export function lanUnavailableReason () {
  if (process.getuid?.() !== 0)
    return 'network namespaces need root (CI runs as root)';
  return null;
}

// Why this machine cannot make namespaces, or false: the tests' skip option.
export const lanSkip = lanUnavailableReason() ?? false;

// The student machine of one test file, made before its first test and
// removed after its last.
export function lanForThisFile () {
  const lan = new Lan();
  before(() => {
    if (!lanSkip)
      lan.setUp();
  });
  after(() => {
    if (!lanSkip)
      lan.tearDown();
  });
  return lan;
}

let instances = 0;

export class Lan {
  // One student machine ("namespace") with several IPv4 addresses and IPv6
  // addresses in two /64s, as a laptop with a phone's privacy addresses.
  constructor () {
    const tag = `${process.pid % 100000}${instances++}`;
    this.subnet = 1 + (process.pid + instances) % 250;
    this.ns = `ssehub-lan-${tag}`;
    this.hostLink = `shl${tag}h`.slice(0, 15);
    this.nsLink = `shl${tag}s`.slice(0, 15);
    this.hostIPv4 = `10.213.${this.subnet}.1`;
    this.hostIPv6 = `fd5e:${this.subnet.toString(16)}:0:1::1`;
    this.studentIPv4 = [2, 3, 4, 5].map(n => `10.213.${this.subnet}.${n}`);
    // Two addresses in the host's /64 (two neighbours on its link), and two
    // in a second /64 routed over the same link (one phone's privacy
    // addresses).
    this.studentIPv6 = [`fd5e:${this.subnet.toString(16)}:0:1::2`,
      `fd5e:${this.subnet.toString(16)}:0:1::3`,
      `fd5e:${this.subnet.toString(16)}:0:2::2`,
      `fd5e:${this.subnet.toString(16)}:0:2::3`];
  }

  setUp () {
    try {
      this.build();
    } catch (error) {
      this.tearDown();
      throw error;
    }
    return this;
  }

  build () {
    ip('netns', 'add', this.ns);
    ip('link', 'add', this.hostLink, 'type', 'veth', 'peer', 'name', this.nsLink);
    ip('link', 'set', this.nsLink, 'netns', this.ns);
    ip('addr', 'add', `${this.hostIPv4}/24`, 'dev', this.hostLink);
    ip('-6', 'addr', 'add', `${this.hostIPv6}/64`, 'dev', this.hostLink, 'nodad');
    ip('link', 'set', this.hostLink, 'up');
    ip('-6', 'route', 'add', `fd5e:${this.subnet.toString(16)}:0:2::/64`, 'dev', this.hostLink);
    ip('-n', this.ns, 'link', 'set', 'lo', 'up');
    for (const address of this.studentIPv4)
      ip('-n', this.ns, 'addr', 'add', `${address}/24`, 'dev', this.nsLink);
    for (const address of this.studentIPv6)
      ip('-n', this.ns, '-6', 'addr', 'add', `${address}/64`, 'dev', this.nsLink, 'nodad');
    ip('-n', this.ns, 'link', 'set', this.nsLink, 'up');
    ip('-n', this.ns, '-6', 'route', 'add', 'default', 'dev', this.nsLink);
  }

  // More IPv4 addresses for the student machine, as `ip addr add` in a
  // loop would give one student: returns them.
  addIPv4 (n) {
    const added = [];
    this.added ??= 0;
    for (let i = 0; i < n; i++) {
      const address = `10.213.${this.subnet}.${100 + this.added++}`;
      ip('-n', this.ns, 'addr', 'add', `${address}/24`, 'dev', this.nsLink);
      added.push(address);
    }
    return added;
  }

  tearDown () {
    try { ip('link', 'del', this.hostLink); } catch {}
    try { ip('netns', 'del', this.ns); } catch {}
  }

  // curl from the student machine, from one of its addresses.  Resolves to
  // { status, body, headers }.
  async curl (from, url, curlArgs = []) {
    const args = ['netns', 'exec', this.ns, 'curl', '-sS', '-g', '--max-time', '10',
      '--interface', from, '-D', '-', ...curlArgs, url];
    const output = await new Promise((resolve, reject) => {
      const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', chunk => { out += chunk; });
      child.stderr.on('data', chunk => { err += chunk; });
      // 'close', not 'exit': the output may still be on its way at exit.
      child.on('close', code => code === 0 ? resolve(out) : reject(new Error(`curl ${code}: ${err}`)));
    });
    const split = output.indexOf('\r\n\r\n');
    const head = output.slice(0, split);
    const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]);
    return { status, headers: head, body: output.slice(split + 4) };
  }

  async post (from, url, person) {
    const response = await this.curl(from, url, ['-H', 'Content-Type: application/json',
      '--data-binary', JSON.stringify(person)]);
    return { ...response, json: JSON.parse(response.body) };
  }

  // An event stream held open from the student machine, as a browser tab.
  // Resolves once the first bytes arrived; close() ends it.
  openStream (from, url) {
    const child = spawn('ip', ['netns', 'exec', this.ns, 'curl', '-sS', '-g', '-N',
      '--interface', from, url], { stdio: ['ignore', 'pipe', 'ignore'] });
    const stream = { text: '', close: () => child.kill('SIGKILL') };
    stream.opened = new Promise((resolve, reject) => {
      child.stdout.on('data', chunk => { stream.text += chunk; resolve(stream); });
      child.on('exit', () => reject(new Error('stream ended before any data')));
    });
    return stream;
  }
}

export function hostUrl (address, port, path = '') {
  return address.includes(':') ? `http://[${address}]:${port}/${path}` : `http://${address}:${port}/${path}`;
}
