// SPDX-License-Identifier: GPL-3.0-or-later
// The audience page's add form: a POST with an idempotency key, retried
// when the hub does not answer, or over the page's WebSocket; the hub's
// refusals in the page's words.  Served between strings.js and app.js in
// one file (see src/core/meson.build): it uses app.js's state, $ and t
// only once the page runs.
'use strict';

const ADD_TIMEOUT_MS = 10000;
const ADD_TRIES = 4;

/* The form ----------------------------------------------------------------- */

function showError (field, message) {
  const input = field === 'name' || field === 'age' ? $(field) : null;
  const target = input !== null ? $(`${field}-error`) : $('form-error');
  target.textContent = message;
  if (input !== null) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

function clearErrors () {
  for (const id of ['name-error', 'age-error', 'form-error', 'form-status'])
    $(id).textContent = '';
  for (const id of ['name', 'age'])
    $(id).removeAttribute('aria-invalid');
}

// The button says whether an add can go now, and the note under it why not.
function renderButton () {
  const button = $('add-button');
  const waiting = state.waitUntil > Date.now();
  button.disabled = state.adding || waiting || !state.reachable;
  button.textContent = state.adding ? t('adding') : t('add');
  const reason = $('form-waiting');
  const text = state.adding || state.reachable ? '' : t('formWaiting');
  if (reason.textContent !== text)
    reason.textContent = text;
}

// Retry-After: no add until then, with the seconds counting down in words.
function waitBeforeAdding (seconds) {
  state.waitUntil = Date.now() + seconds * 1000;
  clearInterval(state.waitTimer);
  const tick = () => {
    const left = Math.ceil((state.waitUntil - Date.now()) / 1000);
    if (left > 0) {
      $('form-error').textContent = t('slowDown', left);
    } else {
      clearInterval(state.waitTimer);
      $('form-error').textContent = '';
    }
    renderButton();
  };
  tick();
  state.waitTimer = setInterval(tick, 1000);
}

// The hub's refusals in the page's own words where a reason is not about a
// field (the hub speaks the presenter's language).
function showRefusal (status, answer, retryAfter) {
  if (status === 429 && retryAfter > 0)
    waitBeforeAdding(retryAfter);
  else if (status === 429)
    showError(null, t('personsCap'));
  else if (status === 403)
    showError(null, t('writesOffPost'));
  else if (status === 507)
    showError(null, t('listFull'));
  else
    showError(answer?.field, answer?.error || `HTTP ${status}`);
}

// An unguessable key for this add: a retry with it is never stored twice.
// Random bytes rather than randomUUID(), which needs https.
function newIdempotencyKey () {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map(byte => byte.toString(16).padStart(2, '0')).join('');
}

// This browser's connections are all held by its tabs' streams: a request
// waits in the browser for one that never frees.
function connectionsTaken () {
  return state.shared === false && (state.streams ?? 0) >= BROWSER_CONNECTION_LIMIT;
}

async function postOnce (body, key) {
  // A request the hub never answers (a dead path, a frozen hub, or no
  // connection left in this browser) must not leave the form stuck.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ADD_TIMEOUT_MS);
  try {
    const response = await fetch('addPerson', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `"${key}"` },
      body,
      signal: abort.signal,
    });
    const answer = await response.json().catch(() => null);
    return { response, answer };
  } catch {
    return { timedOut: abort.signal.aborted };
  } finally {
    clearTimeout(timer);
  }
}

async function onSubmit (event) {
  event.preventDefault();
  clearErrors();
  state.adding = true;
  renderButton();

  // Every try carries the same key: the hub stores the person once however
  // many of them reach it.
  const key = newIdempotencyKey();
  const body = JSON.stringify({ name: $('name').value, age: $('age').value });
  try {
    if (state.transport === 'ws') {
      await addOverSocket(JSON.parse(body), key);
      return;
    }
    for (let attempt = 1; attempt <= ADD_TRIES; attempt++) {
      const { response, answer, timedOut } = await postOnce(body, key);
      if (response?.ok && answer !== null) {
        const replayed = response.headers.get('Idempotent-Replayed') === 'true';
        $('name').value = '';
        $('form-status').textContent = attempt === 1 ? t('added', answer.name)
          : replayed ? t('addedReplayed', answer.name) : t('addedOnRetry', answer.name, attempt);
        $('name').focus();
        return;
      }
      if (response !== undefined) {
        $('form-status').textContent = '';
        showRefusal(response.status, answer,
          Number.parseInt(response.headers.get('Retry-After') ?? '', 10));
        return;
      }
      // Not "the hub did not answer": the request never left the browser.
      if (connectionsTaken()) {
        $('form-status').textContent = '';
        showError(null, t('sixConnections'));
        return;
      }
      if (!timedOut) {
        showError(null, t('networkError'));
        return;
      }
      if (attempt < ADD_TRIES)
        $('form-status').textContent = t('retrying', attempt + 1);
    }
    $('form-status').textContent = '';
    showError(null, t('addLost', ADD_TRIES));
  } finally {
    state.adding = false;
    renderButton();
  }
}
