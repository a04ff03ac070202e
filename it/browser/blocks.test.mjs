// The console's blocks pages in real Chromium, on the block types and documents BlocksBrowserIT made through the REST
// API in its own workspace (alice owner, bob viewer): "Vault Secret" (a secret `value`) with prod-token and
// staging-token, and "Database" (host, port, ssl, a secret password, options JSON, a nested Vault Secret as
// credentials) with warehouse, which nests prod-token. Checks the list and its filters, a document masked until alice
// reveals it (the secret never reaching the browser before), a viewer without Reveal or edit buttons, and a document
// created, edited (its secret kept) and deleted through the schema's form. Screenshots 40-43 go to it/screenshots/.
// Exits non-zero on the first failed check.
import { launchChromium, logIn } from './console-session.mjs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.env.STEWARD_URL;
const workspace = process.env.STEWARD_WORKSPACE;
const apiKey = process.env.STEWARD_API_KEY;
const secret = process.env.STEWARD_SECRET;
const prodToken = process.env.STEWARD_PROD_TOKEN;
assert.ok(base && workspace && apiKey && secret && prodToken,
  'STEWARD_URL, STEWARD_WORKSPACE, STEWARD_API_KEY, STEWARD_SECRET, STEWARD_PROD_TOKEN');
const shots = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
const password = `db-pw-${Date.now() % 1_000_000}`;
const t0 = Date.now();
const log = (...a) => console.log(`[blocks ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

async function rest(method, route) {
  const r = await fetch(`${base}/api/workspaces/${workspace}${route}`, {
    method, headers: { Authorization: `Bearer ${apiKey}` } });
  return { status: r.status, json: r.status === 200 ? await r.json() : null };
}

/** A document as a developer reads it, with its secrets. */
async function revealed(id) {
  const r = await rest('GET', `/block_documents/${id}?include_secrets=true`);
  assert.equal(r.status, 200, `GET block document ${id}`);
  return r.json;
}

/** The grid's visible rows as "name|type|updated" lines. */
async function rows(page) {
  return page.evaluate(() => {
    const grid = document.querySelector('#blocks-grid');
    if (!grid) return [];
    return [...grid.shadowRoot.querySelectorAll('tbody#items tr')].filter((r) => !r.hidden && !r.hasAttribute('loading'))
      .sort((a, b) => a.index - b.index)
      .map((r) => [...r.querySelectorAll('td')]
        .map((td) => td.querySelector('slot')?.assignedElements()[0]?.textContent.trim() ?? '').join('|'));
  });
}

/** Waits until the grid lists exactly these names, in this order. */
async function expectNames(page, names, what) {
  const deadline = Date.now() + 15_000;
  let last;
  while (Date.now() < deadline) {
    last = (await rows(page)).map((r) => r.split('|')[0]);
    if (JSON.stringify(last) === JSON.stringify(names)) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out waiting for ${what}: ${names}; grid shows ${last}`);
}

const text = (page, selector) => page.locator(selector).textContent().then((t) => t.trim());

/** Everything the server sent the page (UIDL answers over XHR, pushes over the WebSocket), to search for secrets. */
function recordTraffic(page) {
  const seen = [];
  page.on('response', async (r) => { try { seen.push(await r.text()); } catch { /* a redirect has no body */ } });
  page.on('websocket', (ws) => ws.on('framereceived', (f) => seen.push(String(f.payload))));
  return seen;
}

const browser = await launchChromium();
const pageErrors = [];
const alice = await logIn(browser, { base, user: 'alice', password: 'alice', workspace, pageErrors, log,
  contextOptions: { viewport: { width: 1300, height: 850 } } });
const aliceSaw = recordTraffic(alice);

// --- the list: grouped by type, anonymous documents left out, search and type filter --------------------------------
await alice.click('#nav-blocks');
await alice.waitForSelector('#blocks-grid');
await expectNames(alice, ['warehouse', 'prod-token', 'staging-token'], 'every named block, by type then name');
assert.match((await rows(alice))[0], /^warehouse\|Database\|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'name, type, updated');
await alice.screenshot({ path: `${shots}/40-blocks.png` });
await alice.fill('#blocks-search input', 'TOKEN');
await expectNames(alice, ['prod-token', 'staging-token'], 'names containing "token", any case');
await alice.fill('#blocks-search input', '');
await alice.click('#blocks-type input');
await alice.locator('vaadin-combo-box-item:visible', { hasText: 'Database' }).first().click();
await expectNames(alice, ['warehouse'], 'the Database blocks');
await alice.click('#blocks-type [part~="clear-button"]');
await expectNames(alice, ['warehouse', 'prod-token', 'staging-token'], 'the type filter cleared');
log('list: 3 named blocks (the anonymous one left out), search and type filter');

// --- a document: masked; the secret reaches the browser only after Reveal -------------------------------------------
await alice.locator('#blocks-grid a.block-link', { hasText: 'prod-token' }).click();
await alice.waitForSelector('#block-document-name');
assert.ok(alice.url().endsWith(`/blocks/${prodToken}`), alice.url());
assert.equal(await text(alice, '#block-type-name'), 'Vault Secret');
assert.equal(await text(alice, '#block-value-value'), '********');
assert.ok(!(await alice.content()).includes(secret), 'the secret is not in the page before Reveal');
assert.ok(!aliceSaw.some((t) => t.includes(secret)), 'nothing the server sent before Reveal holds the secret');
await alice.screenshot({ path: `${shots}/41-block-document.png` });
await alice.click('#reveal-block');
await alice.waitForFunction((s) => document.querySelector('#block-value-value')?.textContent === s, secret);
assert.match(await text(alice, '#reveal-block'), /^Hide/);
await alice.screenshot({ path: `${shots}/42-block-revealed.png` });
await alice.click('#reveal-block');
await alice.waitForFunction(() => document.querySelector('#block-value-value')?.textContent === '********');
log('document: masked, revealed by a developer, hidden again');

// the nested block is a link to its own page
await alice.click('#back-to-blocks');
await alice.locator('#blocks-grid a.block-link', { hasText: 'warehouse' }).click();
await alice.waitForSelector('#block-ref-credentials');
assert.equal(await text(alice, '#block-ref-credentials'), 'prod-token (Vault Secret)');
assert.equal(await text(alice, '#block-value-host'), 'db.internal');

// --- create through the schema's form: a secret, a nested block picked, JSON checked --------------------------------
await alice.click('#back-to-blocks');
await alice.click('#new-block');
await alice.click('#block-type input');
await alice.locator('vaadin-combo-box-item:visible', { hasText: 'Database' }).first().click();
await alice.waitForSelector('#block-field-host');
assert.equal(await alice.locator('#block-field-port input').inputValue(), '5432', 'the schema default');
await alice.fill('#block-name input', 'analytics');
await alice.fill('#block-field-host input', 'analytics.internal');
await alice.fill('#block-field-port input', '6432');
await alice.click('#block-field-ssl input');
await alice.fill('#block-field-password input', password);
await alice.fill('#block-field-options textarea', '{"sslmode": ');
await alice.click('#block-field-credentials input');
await alice.locator('vaadin-combo-box-item:visible', { hasText: 'staging-token' }).first().click();
await alice.click('#save-block');
await alice.waitForFunction(() => document.querySelector('#block-field-options')?.invalid);
assert.equal(await alice.locator('#block-field-options').evaluate((e) => e.errorMessage), 'Not valid JSON');
await alice.fill('#block-field-options textarea', '{"sslmode": "require"}');
await alice.locator('#block-field-options textarea').blur();
await alice.waitForFunction(() => !document.querySelector('#block-field-options').invalid);
await alice.screenshot({ path: `${shots}/43-block-form.png` });
await alice.click('#save-block');
await alice.waitForFunction(() => document.querySelector('#block-document-name')?.textContent === 'analytics');
await alice.waitForURL(/\/blocks\/[0-9a-f-]{36}$/); // the router moves the address after the view shows
const created = alice.url().split('/').pop();
assert.equal(await text(alice, '#block-value-password'), '********');
let stored = await revealed(created);
assert.deepEqual(stored.data, { host: 'analytics.internal', port: 6432, ssl: true, password, options: { sslmode: 'require' },
  credentials: { value: `staging-${secret}` } }, 'the form wrote the data, the reference and the secret');
assert.equal(stored.block_document_references.credentials.block_document.name, 'staging-token');
log('created analytics through the form');

// --- edit: the secret input starts empty and, left empty, keeps the stored password ---------------------------------
await alice.click('#edit-block');
await alice.waitForSelector('#block-field-password');
assert.equal(await alice.locator('#block-field-password input').inputValue(), '', 'no secret in the form');
assert.match(await alice.locator('#block-field-password').evaluate((e) => e.helperText), /Leave empty to keep/);
assert.equal(await alice.locator('#block-field-credentials input').inputValue(), 'staging-token (Vault Secret)');
await alice.fill('#block-field-host input', 'analytics2.internal');
await alice.click('#save-block');
await alice.waitForFunction(() => document.querySelector('#block-value-host')?.textContent === 'analytics2.internal');
stored = await revealed(created);
assert.equal(stored.data.host, 'analytics2.internal');
assert.equal(stored.data.password, password, 'the secret left empty is kept');
assert.equal(stored.block_document_references.credentials.block_document.name, 'staging-token');
log('edited: host changed, password kept');

// --- delete after confirmation --------------------------------------------------------------------------------------
await alice.click('#delete-block');
await alice.getByRole('button', { name: 'Delete', exact: true }).click();
await alice.waitForSelector('#blocks-grid');
await expectNames(alice, ['warehouse', 'prod-token', 'staging-token'], 'analytics gone');
assert.equal((await rest('GET', `/block_documents/${created}`)).status, 404);
log('deleted after confirmation');

// --- bob, viewer: the list and masked values, no Reveal, no changes -------------------------------------------------
const bob = await logIn(browser, { base, user: 'bob', password: 'bob', workspace, pageErrors, log,
  contextOptions: { viewport: { width: 1300, height: 850 } } });
const bobSaw = recordTraffic(bob);
await bob.click('#nav-blocks');
await expectNames(bob, ['warehouse', 'prod-token', 'staging-token'], "the viewer's list");
assert.equal(await bob.locator('#new-block').isVisible(), false, 'a viewer has no "New block"');
assert.equal(await bob.locator('#blocks-read-only').isVisible(), true);
// A direct load; in one full run (this the run's first browser test, the app just started with a 2 MB bundle) it took
// over 30 s, while it takes a second alone: wait longer, and say how long it took.
const loadStarted = Date.now();
await bob.goto(`${base}/blocks/${prodToken}`);
await bob.waitForSelector('#block-value-value', { timeout: 120_000 });
log(`viewer: the document page loaded directly in ${Date.now() - loadStarted} ms`);
assert.equal(await text(bob, '#block-value-value'), '********');
for (const button of ['#reveal-block', '#edit-block', '#delete-block']) {
  assert.equal(await bob.locator(button).count(), 0, `a viewer has no ${button}`);
}
assert.ok(!bobSaw.some((t) => t.includes(secret)) && !(await bob.content()).includes(secret), 'the viewer never got the secret');
log('viewer: masked values, no Reveal, edit or delete');

assert.deepEqual(pageErrors, [], 'no script errors in the pages');
await browser.close();
log('passed');
