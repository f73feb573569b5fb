// SPDX-License-Identifier: GPL-3.0-or-later
// The hub as a class reaches it: students on their own machine (a network
// namespace with real LAN addresses), the presenter on this one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostUrl, lanForThisFile, lanSkip } from './netns.mjs';
import { withHub } from './helpers.mjs';

const skip = lanSkip;
const lan = lanForThisFile();

test('a student is audience: rate-limited per address, the presenter is not', { skip }, async () => {
  await withHub(['--rate-limit', '3'], async hub => {
    const url = hostUrl(lan.hostIPv4, hub.port, 'addPerson');
    const [student, classmate] = lan.studentIPv4;

    for (let i = 0; i < 3; i++)
      assert.equal((await lan.post(student, url, { name: `s${i}`, age: 20 })).status, 200);
    const refused = await lan.post(student, url, { name: 'one too many', age: 20 });
    assert.equal(refused.status, 429);
    assert.equal(refused.json.error.length > 0, true);

    // Another machine in the room has its own budget.
    assert.equal((await lan.post(classmate, url, { name: 'classmate', age: 21 })).status, 200);

    // The presenter, on the laptop itself, is never limited.
    for (let i = 0; i < 6; i++)
      assert.equal((await hub.post({ name: `p${i}`, age: 30 })).status, 200);
  });
});

test('a read-only hub refuses students and still takes the presenter', { skip }, async () => {
  await withHub(['--read-only'], async hub => {
    const url = hostUrl(lan.hostIPv4, hub.port, 'addPerson');
    const refused = await lan.post(lan.studentIPv4[0], url, { name: 'student', age: 20 });
    assert.equal(refused.status, 403);
    assert.equal((await hub.post({ name: 'presenter', age: 40 })).status, 200);
  });
});

test('a student over IPv6 gets the stream and the list', { skip }, async () => {
  await withHub([], async hub => {
    assert.equal((await hub.post({ name: 'Ada', age: 36 })).status, 200);
    const stream = lan.openStream(lan.studentIPv6[0], hostUrl(lan.hostIPv6, hub.port, 'connect'));
    try {
      await stream.opened;
      const deadline = Date.now() + 5000;
      while (!stream.text.includes('"Ada"') && Date.now() < deadline)
        await new Promise(resolve => setTimeout(resolve, 50));
      assert.match(stream.text, /event: hello\n/);
      assert.match(stream.text, /data: \[\{"name":"Ada","age":36\}\]/);
    } finally {
      stream.close();
    }
  });
});
