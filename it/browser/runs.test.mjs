// The console's flow runs page in real Chromium, on the runs RunsPageBrowserIT made through the REST API in its own
// workspace: etl-daily (deployment nightly, tag nightly: 50 completed, 12 failed, 8 running), ml-train (tag gpu:
// 40 completed, 10 crashed; tag archive: 10 scheduled ten days ago). Checks paging, each filter (rows and counts),
// a deep link, the chart's totals, dark mode across a reload, and the keyboard shortcuts with their overlay.
// Screenshots 20-23 go to it/screenshots/. Exits non-zero on the first failed check.
import { launchChromium, logIn } from './console-session.mjs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.env.STEWARD_URL;
const workspace = process.env.STEWARD_WORKSPACE;
const mlFlow = process.env.STEWARD_FLOW_ML;
const deploymentId = process.env.STEWARD_DEPLOYMENT;
assert.ok(base && workspace && mlFlow && deploymentId, 'STEWARD_URL, STEWARD_WORKSPACE, STEWARD_FLOW_ML, STEWARD_DEPLOYMENT');
const shots = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
const t0 = Date.now();
const log = (...a) => console.log(`[runs ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

const browser = await launchChromium();
const pageErrors = [];
const page = await logIn(browser, { base, user: 'alice', password: 'alice', workspace, pageErrors, log,
  contextOptions: { viewport: { width: 1400, height: 900 } } });

/** Rendered rows of the runs grid as "cell|cell|…" lines, in row order (hidden rows keep stale text). */
async function rows() {
  return page.evaluate(() => {
    const grid = document.querySelector('#runs-grid');
    if (!grid) return [];
    return [...grid.shadowRoot.querySelectorAll('tbody#items tr')].filter((r) => !r.hidden && !r.hasAttribute('loading'))
      .sort((a, b) => a.index - b.index)
      .map((r) => [...r.querySelectorAll('td')]
        .map((td) => td.querySelector('slot')?.assignedElements()[0]?.textContent.trim() ?? '').join('|'));
  });
}

/** The counts bar: total and the count of each state shown. */
async function counts() {
  return page.evaluate(() => {
    const out = { total: document.querySelector('#runs-total')?.textContent ?? '' };
    for (const chip of document.querySelectorAll('#runs-counts [data-count]')) {
      if (chip.style.display !== 'none' && !chip.hidden) out[chip.id.replace('count-', '')] = Number(chip.dataset.count);
    }
    return out;
  });
}

/** Waits until the page shows `total` runs and the rows satisfy the predicate. */
async function expectPage(total, predicate, what) {
  const deadline = Date.now() + 20_000;
  let last;
  while (Date.now() < deadline) {
    const c = await counts();
    const r = await rows();
    last = { counts: c, rows: r.slice(0, 5) };
    if (c.total === `${total} runs` && r.length > 0 && r.every(predicate)) return { counts: c, rows: r };
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out waiting for ${what} (${total} runs); page shows ${JSON.stringify(last, null, 1)}`);
}

const chartTotal = () => page.evaluate(() => Number(document.querySelector('#runs-chart')?.dataset.total ?? -1));
const param = (name) => new URL(page.url()).searchParams.get(name);

// --- open the page from the navigation (logged in above) --------------------------------------------------
await page.click('#nav-flow-runs');
await page.waitForSelector('#runs-grid');
let shown = await expectPage(130, () => true, 'every run');
assert.deepEqual({ ...shown.counts, total: undefined },
  { total: undefined, SCHEDULED: 10, RUNNING: 8, COMPLETED: 90, FAILED: 12, CRASHED: 10 }, 'counts per state');
assert.equal(await chartTotal(), 130, 'the chart draws every run');
const bars = await page.evaluate(() => [...document.querySelector('#runs-chart').shadowRoot.querySelectorAll('rect')]
  .reduce((sums, r) => ({ ...sums, [r.dataset.state]: (sums[r.dataset.state] ?? 0) + Number(r.dataset.count) }), {}));
assert.deepEqual(bars, { SCHEDULED: 10, RUNNING: 8, COMPLETED: 90, FAILED: 12, CRASHED: 10 }, 'the chart per state');
// the newest runs are ml-train's, made last, without a deployment (etl-daily's show with theirs in the deep link below)
assert.match(shown.rows[0], /^train-049\|ml-train\|\|Crashed\|.*\|gpu$/, `name, flow, deployment, state, tags: ${shown.rows[0]}`);
const link = await page.evaluate(() => document.querySelector('#runs-grid a.run-link')?.getAttribute('href'));
assert.match(link, /^flow-runs\/[0-9a-f-]{36}$/, 'a row links to its run');
await page.screenshot({ path: `${shots}/20-flow-runs.png` });
log('all runs: 130, counts and chart right');

// --- paging: the last page (the oldest runs) loads when scrolled to ------------------------------------------------
await page.evaluate(() => document.querySelector('#runs-grid').scrollToIndex(129));
await page.waitForFunction(() => [...document.querySelector('#runs-grid').shadowRoot.querySelectorAll('tbody#items tr')]
  .some((r) => !r.hidden && r.index === 129 && !r.hasAttribute('loading')
    && (r.querySelector('td slot')?.assignedElements()[0]?.textContent ?? '').startsWith('old-')), null, { timeout: 20_000 });
const last = (await rows()).at(-1);
assert.match(last, /^old-000\|ml-train\|/, `the oldest run is last: ${last}`);
await page.evaluate(() => document.querySelector('#runs-grid').scrollToIndex(0));
log('paging: rows 50-129 loaded on scroll, oldest last');

// --- state: a click on a count filters by its state ----------------------------------------------------------------
await page.click('#count-FAILED');
shown = await expectPage(12, (r) => r.includes('|Failed|'), 'failed runs');
assert.equal(param('state'), 'FAILED', 'the state is in the URL');
assert.equal(shown.counts.COMPLETED, 90, 'the counts keep the other states, to choose from');
// the view's own shortcut: c clears the filters
await page.keyboard.press('c');
await expectPage(130, () => true, 'the filters cleared by "c"');
assert.equal(param('state'), null);
log('state filter: 12 failed; "c" cleared it');

// --- flow ----------------------------------------------------------------------------------------------------------
await page.click('#runs-flow input');
await page.fill('#runs-flow input', 'ml-');
await page.locator('vaadin-combo-box-item:not([hidden])', { hasText: 'ml-train' }).first().click();
shown = await expectPage(60, (r) => r.split('|')[1] === 'ml-train', 'runs of ml-train');
assert.deepEqual({ ...shown.counts, total: undefined }, { total: undefined, SCHEDULED: 10, COMPLETED: 40, CRASHED: 10 });
assert.equal(await chartTotal(), 60, 'the chart follows the flow filter');
assert.equal(param('flow'), mlFlow);
log('flow filter: 60 runs of ml-train');

// --- tag ----------------------------------------------------------------------------------------------------------
await page.fill('#runs-tag input', 'archive');
shown = await expectPage(10, (r) => r.startsWith('old-') && r.endsWith('|archive'), 'ml-train runs tagged archive');
assert.deepEqual({ ...shown.counts, total: undefined }, { total: undefined, SCHEDULED: 10 });
await page.fill('#runs-tag input', '');
await expectPage(60, () => true, 'the tag cleared');
log('tag filter: 10 archived runs');

// --- time range: the last day leaves out the runs of ten days ago ---------------------------------------------------
await page.click('#runs-range');
await page.locator('vaadin-select-item', { hasText: 'Last day' }).click();
shown = await expectPage(50, (r) => r.startsWith('train-'), 'ml-train runs of the last day');
assert.equal(param('range'), 'day');
assert.equal(await chartTotal(), 50);
log('time range: last day, 50 runs');

// --- name, with "/" focusing the search; typing there fires no shortcut --------------------------------------------
await page.keyboard.press('Escape');
await page.keyboard.press('/');
await page.waitForFunction(() => document.activeElement?.closest('#runs-search') != null);
await page.keyboard.type('TRAIN-00');
shown = await expectPage(10, (r) => /^train-00\d\|/.test(r), 'names containing train-00 (any case)');
assert.equal(param('q'), 'TRAIN-00');
assert.ok(page.url().includes('/flow-runs'), 'typing "g" and letters in the field did not navigate');
log('name search: 10 runs; "/" focused the field');

// --- a deep link restores every filter ----------------------------------------------------------------------------
await page.goto(`${base}/flow-runs?state=COMPLETED&deployment=${deploymentId}&tag=nightly&q=etl-run-0`);
shown = await expectPage(50, (r) => /^etl-run-0\d\d\|etl-daily\|nightly\|Completed\|/.test(r), "the deep link");
assert.equal(await page.locator('#runs-deployment input').inputValue(), 'etl-daily/nightly');
assert.equal(await page.locator('#runs-tag input').inputValue(), 'nightly');
assert.equal(await page.locator('#runs-search input').inputValue(), 'etl-run-0');
assert.deepEqual({ ...shown.counts, total: undefined }, { total: undefined, COMPLETED: 50, FAILED: 12, RUNNING: 8 },
  'runs etl-run-000..069 by state');
assert.equal(await chartTotal(), 70);
await page.screenshot({ path: `${shots}/21-flow-runs-filtered.png` });
log('deep link: deployment, state, tag and name restored; 50 runs');

// --- dark mode, remembered across a reload -------------------------------------------------------------------------
const theme = () => page.evaluate(() => document.documentElement.getAttribute('theme'));
assert.equal(await theme(), null, 'light at first');
await page.click('#theme-toggle');
assert.equal(await theme(), 'dark');
const background = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--run-graph-background').trim());
assert.equal(background, '#1b1f24', 'the run graph colours follow the theme');
await page.reload();
await expectPage(50, () => true, 'the page after the reload');
assert.equal(await theme(), 'dark', 'dark after a reload');
await page.screenshot({ path: `${shots}/22-flow-runs-dark.png` });
await page.keyboard.press('t');
assert.equal(await theme(), null, '"t" switches back to light');
log('dark mode: toggled, kept across a reload, "t" toggles');

// --- the shortcuts overlay, and g v / g r -------------------------------------------------------------------------
await page.keyboard.press('?');
await page.waitForFunction(() => document.querySelector('#shortcuts')?.shadowRoot.querySelector('dialog')?.open);
const listed = await page.evaluate(() => [...document.querySelector('#shortcuts').shadowRoot.querySelectorAll('tr')]
  .map((r) => r.dataset.keys));
for (const keys of ['?', '/', 't', 'g r', 'g v', 'f', 'c']) assert.ok(listed.includes(keys), `${keys} listed: ${listed}`);
await page.screenshot({ path: `${shots}/23-shortcuts.png` });
await page.keyboard.press('Escape');
await page.waitForFunction(() => !document.querySelector('#shortcuts').shadowRoot.querySelector('dialog').open);
await page.keyboard.press('g');
await page.keyboard.press('v');
await page.waitForSelector('#variables-grid');
assert.ok(page.url().endsWith('/variables'), `g v went to variables: ${page.url()}`);
const afterNav = await page.evaluate(() => [...document.querySelector('#shortcuts').shadowRoot.querySelectorAll('tr')]
  .map((r) => r.dataset.keys));
await page.keyboard.press('?');
await page.waitForFunction(() => document.querySelector('#shortcuts').shadowRoot.querySelector('dialog').open);
const onVariables = await page.evaluate(() => [...document.querySelector('#shortcuts').shadowRoot.querySelectorAll('tr')]
  .map((r) => r.dataset.keys));
assert.ok(!onVariables.includes('f'), `the runs page's own shortcuts leave with it: ${onVariables} (before: ${afterNav})`);
await page.keyboard.press('Escape');
await page.keyboard.press('g');
await page.keyboard.press('r');
await page.waitForSelector('#runs-grid');
assert.ok(page.url().includes('/flow-runs'), `g r went to the flow runs: ${page.url()}`);
log('shortcuts: overlay lists them, g v and g r navigate');

assert.deepEqual(pageErrors, [], 'no script errors in the page');
await browser.close();
log('passed');
