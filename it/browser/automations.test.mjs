// The console's automations pages in real Chromium, in the workspace AutomationsBrowserIT made (alice owner, bob
// viewer) with the flow nightly-etl, the work pool etl-pool, a run of the flow that failed before any automation
// existed, and compound-watch, whose compound trigger the editor's form cannot show. alice makes "etl-failures" from
// the flow-run template (nightly-etl picked), backtests it before saving (the earlier failure is a would-be firing),
// saves it, switches it off and on, edits it in the JSON tab (the API's 422 shown, a compound trigger kept in JSON,
// the edit read back by the form), makes "pool-watch" from the work-pool template with the pool picked in the trigger
// and in its action, searches and sorts the list, and finds compound-watch opening in the JSON tab; a new failure of
// the flow, sent through the REST API while the automation's page is open, appears in its firing history with the
// action's outcome and links to the run and to the event; bob, a viewer, sees no write controls.
// Screenshots 60-65 go to it/screenshots/. Exits non-zero on the first failed check.
import { launchChromium, logIn, rows, until } from './console-session.mjs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.env.STEWARD_URL;
const workspace = process.env.STEWARD_WORKSPACE;
const apiKey = process.env.STEWARD_API_KEY;
const flowId = process.env.STEWARD_FLOW_ID;
const pastRun = process.env.STEWARD_PAST_RUN;
assert.ok(base && workspace && apiKey && flowId && pastRun,
  'STEWARD_URL, STEWARD_WORKSPACE, STEWARD_API_KEY, STEWARD_FLOW_ID, STEWARD_PAST_RUN');
const shots = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
const t0 = Date.now();
const log = (...a) => console.log(`[automations ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

async function rest(method, route, body) {
  const r = await fetch(`${base}/api/workspaces/${workspace}${route}`, {
    method, headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  assert.ok(r.status < 300, `${method} ${route}: ${r.status} ${await r.clone().text()}`);
  return r.json();
}

/** A run of nightly-etl that goes Running, then Failed: its id. */
async function failedRun(name) {
  const run = await rest('POST', '/flow_runs/', { flow_id: flowId, name });
  for (const type of ['RUNNING', 'FAILED']) {
    await rest('POST', `/flow_runs/${run.id}/set_state`, { state: { type }, force: true });
  }
  return run.id;
}

const text = (page, selector) => page.locator(selector).first().textContent().then((t) => t.trim());

async function pick(page, selector, item, tag = 'vaadin-combo-box-item') {
  await page.click(`${selector} input`);
  await page.locator(`${tag}:visible`, { hasText: item }).first().click();
}

async function choose(page, selector, item) {
  await page.click(selector);
  await page.locator('vaadin-select-item:visible', { hasText: item }).first().click();
}

const browser = await launchChromium();
const pageErrors = [];
const alice = await logIn(browser, { base, user: 'alice', password: 'alice', workspace, pageErrors, log,
  contextOptions: { viewport: { width: 1400, height: 1000 } } });

// --- create from the flow-run template, backtest before saving --------------------------------------------------------
await alice.click('#nav-automations');
await alice.waitForSelector('#automations-grid');
await alice.click('#new-automation');
await alice.waitForSelector('#trigger-template');
assert.equal(await text(alice, '#trigger-template vaadin-select-value-button'), 'A flow run enters a state',
  'the default template');
await alice.fill('#automation-name input', 'etl-failures');
await pick(alice, '#trigger-chosen', 'nightly-etl', 'vaadin-multi-select-combo-box-item');
await alice.keyboard.press('Tab'); // leaves the picker, which closes its overlay
await alice.click('#add-action');
await alice.waitForSelector('#action-type-0');
await alice.screenshot({ path: `${shots}/61-automation-editor.png`, fullPage: true });
await alice.click('#backtest-automation');
await alice.waitForFunction(() => /would have fired 1 time/.test(document.querySelector('#backtest-summary')?.textContent));
const wouldFire = await rows(alice, '#backtest-grid');
assert.match(wouldFire, /prefect\.flow-run\.Failed · earlier-failure/, `the earlier failure: ${wouldFire}`);
assert.equal(await alice.locator(`#backtest-grid a.event-run-link[href$="flow-runs/${pastRun}"]`).count(), 1,
  'the would-be firing links to its run');
await alice.locator('#backtest').scrollIntoViewIfNeeded();
await alice.screenshot({ path: `${shots}/63-backtest.png` });
log('backtest: the earlier failure would have fired it');
await alice.click('#save-automation');
await alice.waitForURL(/\/automations\/[0-9a-f-]{36}$/);
await alice.waitForFunction(() => document.querySelector('#automation-title')?.textContent === 'etl-failures');
const etl = alice.url().split('/').pop();
assert.equal(await text(alice, '#automation-trigger'), 'When: A flow run enters Failed or Crashed (1 flow)');
let stored = await rest('GET', `/automations/${etl}`);
assert.deepEqual(stored.trigger.expect, ['prefect.flow-run.Failed', 'prefect.flow-run.Crashed']);
assert.deepEqual(stored.trigger.match_related['prefect.resource.id'], [`prefect.flow.${flowId}`]);
assert.deepEqual(stored.actions, [{ type: 'do-nothing' }]);
log('saved etl-failures');

// --- enabled switch ---------------------------------------------------------------------------------------------------
await alice.click('#automation-enabled-switch input');
await until(() => rest('GET', `/automations/${etl}`), (a) => a.enabled === false, 'disabled through the switch');
await alice.click('#automation-enabled-switch input');
await until(() => rest('GET', `/automations/${etl}`), (a) => a.enabled === true, 'enabled again');
log('switched off and on');

// --- edit in JSON: the 422, JSON the form cannot show, and back to the form -----------------------------------------
await alice.click('#edit-automation');
await alice.waitForSelector('#tab-json');
await alice.click('#tab-json');
await alice.waitForSelector('#automation-json textarea');
const body = JSON.parse(await alice.locator('#automation-json textarea').inputValue());
assert.deepEqual(body.trigger.expect, ['prefect.flow-run.Failed', 'prefect.flow-run.Crashed'], 'the form as JSON');
assert.equal(body.trigger.id, undefined, 'no trigger ids in the editor');
await alice.fill('#automation-json textarea', JSON.stringify({ ...body, trigger: { ...body.trigger, posture: 'Sometimes' } }, null, 2));
await alice.click('#save-automation');
await alice.waitForFunction(() => document.querySelector('#automation-form-error')?.textContent
  .includes("trigger.posture: Input should be 'Reactive' or 'Proactive'"));
await alice.locator('#automation-form-error').scrollIntoViewIfNeeded();
await alice.screenshot({ path: `${shots}/62-automation-json-422.png` });
const compound = { ...body, trigger: { type: 'compound', require: 'any', within: null, triggers: [body.trigger] } };
await alice.fill('#automation-json textarea', JSON.stringify(compound, null, 2));
await alice.click('#tab-form');
await alice.waitForFunction(() => document.querySelector('#automation-form-error')?.textContent.includes('cannot show'));
assert.equal(await alice.locator('#tab-json').getAttribute('selected'), '', 'a compound trigger stays in the JSON tab');
await alice.fill('#automation-json textarea', JSON.stringify({ ...body, description: 'edited in JSON' }, null, 2));
await alice.click('#tab-form');
await alice.waitForFunction(() => document.querySelector('#automation-description input')?.value === 'edited in JSON');
assert.equal(await alice.locator('#trigger-chosen').evaluate((e) => e.selectedItems.map((i) => i.label).join()),
  'nightly-etl', 'the form shows the flow picked');
await alice.click('#save-automation');
await alice.waitForFunction(() => document.querySelector('#automation-description-text')?.textContent === 'edited in JSON');
assert.equal((await rest('GET', `/automations/${etl}`)).description, 'edited in JSON');
log('edited in JSON: 422 detail shown, compound kept in JSON, the form reads the edit');

// --- a second one from the work-pool template, pickers in the trigger and the action --------------------------------
await alice.click('#back-to-automations');
await alice.click('#new-automation');
await alice.waitForSelector('#trigger-template');
await alice.fill('#automation-name input', 'pool-watch');
await choose(alice, '#trigger-template', 'A work pool changes status');
await pick(alice, '#trigger-chosen', 'etl-pool', 'vaadin-multi-select-combo-box-item');
await alice.keyboard.press('Tab');
await alice.click('#add-action');
await choose(alice, '#action-type-0', 'Pause a work pool');
await pick(alice, '#action-target-0', 'etl-pool');
await alice.click('#save-automation');
await alice.waitForFunction(() => document.querySelector('#automation-title')?.textContent === 'pool-watch');
await alice.waitForURL(/\/automations\/[0-9a-f-]{36}$/); // the router moves the address after the view shows
stored = await rest('GET', `/automations/${alice.url().split('/').pop()}`);
assert.deepEqual(stored.trigger.expect, ['prefect.work-pool.not-ready']);
assert.equal(stored.trigger.match['prefect.resource.id'].length, 1, 'the pool picked');
assert.equal(stored.actions[0].type, 'pause-work-pool');
assert.equal(stored.actions[0].source, 'selected');
assert.ok(stored.actions[0].work_pool_id, 'the pool picked in the action');
log('saved pool-watch');

// --- the list: search, sort ---------------------------------------------------------------------------------------
await alice.click('#back-to-automations');
const names = async () => (await rows(alice, '#automations-grid')).split('\n').filter(Boolean).map((r) => r.split('|')[0]);
await until(names, (n) => n.join() === 'compound-watch,etl-failures,pool-watch', 'all three, by name');
const listed = await rows(alice, '#automations-grid');
assert.match(listed, /pool-watch\|A work pool \(1 chosen\) enters not-ready\|Pause a work pool\|\|Never/);
assert.match(listed, /compound-watch\|Compound trigger of 2 triggers\|Do nothing\|/);
await alice.screenshot({ path: `${shots}/60-automations.png` });
await alice.fill('#automations-search input', 'POOL');
await until(names, (n) => n.join() === 'pool-watch', 'the search, any case');
await alice.fill('#automations-search input', '');
await choose(alice, '#automations-sort', 'Name, Z to A');
await until(names, (n) => n.join() === 'pool-watch,etl-failures,compound-watch', 'sorted Z to A');
log('list: search and sort');
await alice.click('#automations-grid vaadin-button[aria-label="Edit compound-watch"]');
await alice.waitForFunction(() => document.querySelector('#automation-json-only')?.textContent.includes('cannot show'));
assert.equal(await alice.locator('#tab-json').getAttribute('selected'), '', 'what the form cannot show opens as JSON');
assert.equal(JSON.parse(await alice.locator('#automation-json textarea').inputValue()).trigger.type, 'compound');
await alice.click('#cancel-automation');
log('a compound trigger opens in the JSON tab');

// --- a firing appears live on the automation's page ------------------------------------------------------------------
await alice.locator('#automations-grid a.automation-link', { hasText: 'etl-failures' }).click();
await alice.waitForSelector('#firings-grid');
assert.equal(await rows(alice, '#firings-grid'), '', 'no firing yet: the earlier failure came before it existed');
const freshRun = await failedRun('fresh-failure');
const firing = await until(() => rows(alice, '#firings-grid'),
  (r) => /prefect\.flow-run\.Failed · fresh-failure/.test(r) && /Do nothing: succeeded \(1 attempt/.test(r),
  'the firing and its action, live', 30_000);
assert.equal(firing.split('\n').filter(Boolean).length, 1, firing);
await alice.screenshot({ path: `${shots}/64-firing-history.png` });
await alice.click('#firings-grid .event-json-button');
await alice.waitForSelector('#event-json');
assert.ok((await text(alice, '#event-json')).includes(`prefect.flow-run.${freshRun}`), 'the event as JSON');
await alice.click('#close-event');
await alice.click('#firings-grid a.event-run-link');
await alice.waitForURL(new RegExp(`/flow-runs/${freshRun}`));
log('firing shown live, links to the run and the event');
await alice.click('#nav-automations');
await until(() => rows(alice, '#automations-grid'), (r) => /etl-failures\|[^\n]*\|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(r),
  'last fired in the list');

// --- bob, viewer: reads, no write controls ---------------------------------------------------------------------------
const bob = await logIn(browser, { base, user: 'bob', password: 'bob', workspace, pageErrors, log,
  contextOptions: { viewport: { width: 1400, height: 900 } } });
await bob.click('#nav-automations');
await until(() => rows(bob, '#automations-grid'), (r) => r.includes('etl-failures') && r.includes('pool-watch'),
  "the viewer's list");
assert.equal(await bob.locator('#new-automation').isVisible(), false, 'a viewer has no "New automation"');
assert.equal(await bob.locator('#automations-read-only').isVisible(), true);
assert.equal(await bob.locator('#automations-grid .edit-automation').count(), 0, 'no Edit');
assert.equal(await bob.locator('#automations-grid .delete-automation').count(), 0, 'no Delete');
assert.ok(await bob.locator('#automations-grid .automation-enabled').first().evaluate((e) => e.readonly),
  'the switch is read-only');
await bob.goto(`${base}/automations/${etl}`);
await bob.waitForSelector('#firings-grid');
await until(() => rows(bob, '#firings-grid'), (r) => r.includes('fresh-failure'), "the viewer's firing history");
for (const button of ['#edit-automation', '#delete-automation']) {
  assert.equal(await bob.locator(button).isVisible(), false, `a viewer has no ${button}`);
}
assert.ok(await bob.locator('#automation-enabled-switch').evaluate((e) => e.readonly), 'the switch is read-only');
await bob.screenshot({ path: `${shots}/65-automations-viewer.png` });
log('viewer: reads, no write controls');

assert.deepEqual(pageErrors, [], 'no script errors in the pages');
await browser.close();
log('passed');
