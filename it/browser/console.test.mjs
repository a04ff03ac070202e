// The console in real Chromium: Keycloak's own login page, then variables (create, validation, edit, live update from
// the REST API, filter, delete with confirmation), API keys (secret shown once, revoke), the cleanup queues (figures,
// a dead letter's history, redrive, purge with confirmation; STEWARD_CLEANUP_POOL and STEWARD_DEAD_LETTERS, oldest
// first, name dead letters the IT made), and a viewer's read-only view without the admin pages.
// Screenshots go to it/screenshots/. Exits non-zero on the first failed check.
import { launchChromium, logIn } from './console-session.mjs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.env.STEWARD_URL;
const workspace = process.env.STEWARD_WORKSPACE || 'default';
const apiKey = process.env.STEWARD_API_KEY;
assert.ok(base && apiKey, 'STEWARD_URL and STEWARD_API_KEY are required');
const shots = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
const run = String(Date.now() % 1_000_000);
const name = `console_${run}`;
const live = `rest_${run}`;
const t0 = Date.now();
const log = (...a) => console.log(`[browser ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

const browser = await launchChromium();

/** Visible rows of a Vaadin grid as "cell|cell|…" lines (hidden rows keep stale text). */
async function rows(page, selector) {
  return page.evaluate((sel) => {
    const grid = document.querySelector(sel);
    if (!grid) return '';
    return [...grid.shadowRoot.querySelectorAll('tbody#items tr')].filter((r) => !r.hidden)
      .map((r) => [...r.querySelectorAll('td')]
        .map((td) => td.querySelector('slot')?.assignedElements()[0]?.textContent ?? '').join('|'))
      .join('\n');
  }, selector);
}

async function waitRows(page, selector, predicate, what) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const text = await rows(page, selector);
    if (predicate(text)) return text;
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out waiting for ${what}; grid shows:\n${await rows(page, selector)}`);
}

async function rest(method, route, body) {
  const r = await fetch(`${base}/api/workspaces/${workspace}${route}`, {
    method,
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}

// a script error in the page (e.g. a route whose components are missing from the production bundle) fails the test
const pageErrors = [];

/** Logs in on Keycloak's own page and lands on the console (its variables page) with the workspace selected. */
async function login(user, password) {
  const page = await logIn(browser, { base, user, password, workspace, pageErrors, log,
    contextOptions: { viewport: { width: 1300, height: 850 } } });
  await page.waitForSelector('#variables-grid');
  return page;
}

// --- alice, owner of the workspace --------------------------------------------------------------------------------
const alice = await login('alice', 'alice');
log('alice logged in, workspace', await alice.locator('#workspace-switcher input').inputValue());
await alice.screenshot({ path: `${shots}/01-logged-in.png` });

// create
await alice.click('#new-variable');
await alice.fill('#variable-name input', name);
await alice.fill('#variable-value textarea', 'hello world');
await alice.fill('#variable-tags input', 'team-a, nightly');
await alice.screenshot({ path: `${shots}/02-create-dialog.png` });
await alice.click('#save-variable');
await waitRows(alice, '#variables-grid', (t) => t.includes(name) && t.includes('"hello world"'), 'the created variable');
assert.equal((await rest('GET', `/variables/name/${name}`)).status, 200, 'the console wrote through the same service');
log('created', name);

// validation messages from the service, on the field
await alice.click('#new-variable');
await alice.fill('#variable-name input', 'Bad Name');
await alice.fill('#variable-value textarea', '1');
await alice.click('#save-variable');
await alice.waitForSelector('#variable-name[invalid]');
assert.match(await alice.locator('#variable-name [slot=error-message]').textContent(), /lowercase letters/);
await alice.screenshot({ path: `${shots}/03-validation.png` });
await alice.fill('#variable-name input', name);
await alice.click('#save-variable');
await alice.waitForFunction(() => document.querySelector('#variable-name [slot=error-message]')?.textContent.includes('already exists'));
await alice.click('#cancel-variable');
log('validation messages shown');

// edit
await alice.click(`#edit-variable-${name}`);
await alice.fill('#variable-value textarea', '{"retries": 3, "queue": "fast"}');
await alice.click('#save-variable');
await waitRows(alice, '#variables-grid', (t) => t.includes('{"retries":3,"queue":"fast"}') || t.includes('{"queue":"fast","retries":3}'), 'the edited value');
assert.equal(JSON.parse((await rest('GET', `/variables/name/${name}`)).text).value.retries, 3);
log('edited');

// live update: a change through the REST API appears without a reload
assert.equal((await rest('POST', '/variables/', { name: live, value: 42, tags: ['rest'] })).status, 201);
await waitRows(alice, '#variables-grid', (t) => t.includes(live), 'the variable created through the REST API');
assert.equal((await rest('PATCH', `/variables/name/${live}`, { value: 43 })).status, 204);
await waitRows(alice, '#variables-grid', (t) => t.split('\n').some((r) => r.startsWith(`${live}|43`)), 'the REST update');
log('live updates from the REST API arrived');
await alice.screenshot({ path: `${shots}/04-live-update.png` });

// filter
await alice.fill('#variables-filter input', 'CONSOLE_');
await waitRows(alice, '#variables-grid', (t) => t.includes(name) && !t.includes(live), 'the filtered grid');
await alice.fill('#variables-filter input', '');
await waitRows(alice, '#variables-grid', (t) => t.includes(live), 'the unfiltered grid');

// delete with confirmation
await alice.click(`#delete-variable-${name}`);
await alice.getByRole('button', { name: 'Delete', exact: true }).waitFor();
await alice.screenshot({ path: `${shots}/05-delete-confirm.png` });
await alice.getByRole('button', { name: 'Delete', exact: true }).click();
await waitRows(alice, '#variables-grid', (t) => !t.includes(name), 'the deleted variable gone');
assert.equal((await rest('GET', `/variables/name/${name}`)).status, 404);
await rest('DELETE', `/variables/name/${live}`);
await waitRows(alice, '#variables-grid', (t) => !t.includes(live), 'the REST delete');
log('deleted');

// API keys: the secret is shown once and works; revocation is immediate
await alice.goto(`${base}/api-keys`);
await alice.waitForSelector('#api-keys-grid');
await alice.click('#new-api-key');
await alice.fill('#api-key-name input', `console-key-${run}`);
await alice.click('#save-api-key');
await alice.waitForSelector('#new-api-key-secret');
const secret = (await alice.locator('#new-api-key-secret').textContent()).trim();
assert.match(secret, /^stw_[a-z0-9]{12}_[A-Za-z0-9]{32}$/);
await alice.screenshot({ path: `${shots}/06-api-key-once.png` });
const count = (key) => fetch(`${base}/api/workspaces/${workspace}/variables/count`, {
  method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: '{}' });
assert.equal((await count(secret)).status, 200, 'the new key works');
await alice.click('#close-api-key-secret');
await waitRows(alice, '#api-keys-grid', (t) => t.includes(`console-key-${run}`), 'the new key in the list');
await alice.locator('#new-api-key-secret').waitFor({ state: 'detached', timeout: 10_000 }); // shown once, then gone
const prefix = secret.split('_').slice(0, 2).join('_');
await alice.click(`#revoke-api-key-${prefix}`);
await alice.getByRole('button', { name: 'Revoke', exact: true }).click();
await alice.waitForFunction(() => !document.querySelector('vaadin-confirm-dialog-overlay'));
assert.equal((await count(secret)).status, 401, 'a revoked key is refused at once');
await alice.screenshot({ path: `${shots}/07-api-keys.png` });
log('API key issued once and revoked');

// --- cleanup queues: the pool's figures, a dead letter's reason and history, redrive, purge -------------------------
const pool = process.env.STEWARD_CLEANUP_POOL;
const dead = (process.env.STEWARD_DEAD_LETTERS || '').split(',');
assert.ok(pool && dead.length === 3, 'STEWARD_CLEANUP_POOL and three STEWARD_DEAD_LETTERS are required');
const poolRow = (t) => t.split('\n').find((r) => r.startsWith(`${pool}|`)) ?? '';
// columns: pool | waiting | ready | in flight | dead letters | enqueued | acked | retries | dead-lettered
const figures = (expected, what) => waitRows(alice, '#cleanup-pools-grid', (t) => poolRow(t) === `${pool}|${expected}`, what);
await alice.click('#nav-cleanup-queues');
await alice.waitForSelector('#cleanup-pools-grid');
await figures('0|0|0|3|3|0|3|3', 'the pool with three dead letters');
await alice.locator('#cleanup-pools-grid vaadin-grid-cell-content', { hasText: pool }).first().click();
const deadRows = await waitRows(alice, '#dead-letters-grid', (t) => t.split('\n').length === 3, 'the dead letters');
assert.deepEqual(deadRows.split('\n').map((r) => r.split('|')[0]), [...dead].reverse().map((id) => id.slice(0, 8)),
  'newest first');
const newest = deadRows.split('\n')[0].split('|');
// a cell's lines run together in textContent
assert.match(newest[1], /^cancelling_timeout_teardown\.v1flow_run_id=[0-9a-f-]{36}, infrastructure_pid=host:4244$/);
assert.equal(newest[2], 'max_delivery_attempts_reachedlast release: process 4244 not found');
assert.equal(newest[3], '2', 'final delivery count');
await alice.screenshot({ path: `${shots}/09-cleanup-queues.png` });
log('cleanup queue figures and dead letters shown');

// a click on the row opens its delivery history: two deliveries to the worker, each released with its reason
await alice.locator('#dead-letters-grid vaadin-grid-cell-content', { hasText: dead[2].slice(0, 8) }).first().click();
await alice.waitForSelector(`#history-${dead[2]}`);
assert.match(await alice.locator(`#dead-letter-${dead[2]}`).textContent(), new RegExp(dead[2]), 'the whole id');
await waitRows(alice, `#history-${dead[2]}`, (t) => /^1\|console-it\|.+\|.+\|released\|infrastructure_not_available\n2\|console-it\|.+\|.+\|released\|process 4244 not found$/.test(t),
  'the delivery history');
await alice.screenshot({ path: `${shots}/10-cleanup-dead-letter.png` });
log('delivery history shown');

// the figures refresh by themselves while the page is open
const stamp = await alice.locator('#cleanup-updated').textContent();
await alice.waitForFunction((s) => document.querySelector('#cleanup-updated')?.textContent !== s, stamp, { timeout: 15_000 });

// redrive: back in the queue, waiting for a worker
await alice.click(`#redrive-${dead[2]}`);
await alice.locator('vaadin-notification-card', { hasText: 'redriven' }).waitFor();
await figures('1|1|0|2|3|0|3|3', 'the figures after the redrive');
await waitRows(alice, '#dead-letters-grid', (t) => t.split('\n').map((r) => r.split('|')[0]).join() === [dead[1], dead[0]].map((id) => id.slice(0, 8)).join(),
  'the redriven letter gone');
log('redriven');

// purge, after confirmation
await alice.click(`#purge-${dead[1]}`);
await alice.getByRole('button', { name: 'Purge', exact: true }).waitFor();
await alice.screenshot({ path: `${shots}/11-cleanup-purge-confirm.png` });
await alice.getByRole('button', { name: 'Purge', exact: true }).click();
await figures('1|1|0|1|3|0|3|3', 'the figures after the purge');
await waitRows(alice, '#dead-letters-grid', (t) => t.split('\n').length === 1 && t.startsWith(dead[0].slice(0, 8)), 'one dead letter left');
log('purged');

// the page opened directly (not from another view) loads its components: the production bundle knows the route
await alice.reload();
await figures('1|1|0|1|3|0|3|3', 'the figures after a reload');

// --- bob, viewer: reads, may not write ------------------------------------------------------------------------------
const bob = await login('bob', 'bob');
assert.equal(await bob.locator('#new-variable').isVisible(), false, 'a viewer has no "New variable"');
await bob.screenshot({ path: `${shots}/08-viewer.png` });
await bob.goto(`${base}/api-keys`);
await bob.waitForSelector('#api-keys-denied');
assert.equal(await bob.locator('#nav-cleanup-queues').isVisible(), false, 'a viewer is not offered the cleanup queues');
await bob.goto(`${base}/cleanup-queues`);
await bob.waitForSelector('#cleanup-queues-denied');
assert.match(await bob.locator('#cleanup-queues-denied').textContent(), /need the admin role in default; you are a viewer/);
assert.equal(await bob.locator('#cleanup-pools-grid').isVisible(), false);
log('viewer is read-only and not offered the admin pages');

await browser.close();
assert.deepEqual(pageErrors, [], 'no script errors in the pages');
log('all console checks passed');
