// The flow run and task run pages in real Chromium, on runs the real prefect client recorded (RunPageBrowserIT):
// RUN_MAPPED (1,000 mapped tasks with persisted JSON results), RUN_SUBFLOW (a flow with a subflow) and RUN_RUNNING
// (still running: its first task waits until RELEASE_FILE exists, two tasks wait on it). Checks the graph in both
// layouts, the mapped group collapsing and expanding on click, the pending tasks with their upstream, a selected
// node's details, search, a subflow expanded in place, the results, logs in both orders with a level filter,
// following live and download, deep links to tabs, live graph updates, and the task run page.
// Screenshots 30-36 go to it/screenshots/. Exits non-zero on the first failed check.
import { launchChromium, logIn, rows, until } from './console-session.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.env.STEWARD_URL;
const workspace = process.env.STEWARD_WORKSPACE || 'default';
const { RUN_MAPPED: mapped, RUN_SUBFLOW: subflow, RUN_RUNNING: running, RELEASE_FILE: release } = process.env;
assert.ok(base && mapped && subflow && running && release, 'STEWARD_URL, RUN_MAPPED, RUN_SUBFLOW, RUN_RUNNING and RELEASE_FILE are required');
const shots = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
const t0 = Date.now();
const log = (...a) => console.log(`[run-page ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

const browser = await launchChromium();
const pageErrors = [];

const stats = (page) => page.evaluate(() => document.querySelector('#run-graph')?.stats?.() ?? null);
const text = (page, sel) => page.evaluate((s) => document.querySelector(s)?.textContent ?? '', sel);

/** Clicks (or double-clicks) the first graph node whose name contains the text ("kind:flow-run" for a subflow). */
async function clickNode(page, match, double = false) {
  const at = await page.evaluate((m) => document.querySelector('#run-graph').locate(m), match);
  assert.ok(at, `a node matching ${match} is in the graph`);
  if (double) await page.mouse.dblclick(at.x, at.y); else await page.mouse.click(at.x, at.y);
  return at;
}

async function login(user, password) {
  return logIn(browser, { base, user, password, workspace, pageErrors, log,
    contextOptions: { viewport: { width: 1400, height: 950 }, acceptDownloads: true } });
}

async function open(page, route) {
  await page.goto(`${base}/${route}`);
  await page.waitForSelector('#run-name', { timeout: 30_000 });
}

const page = await login('alice', 'alice');
log('logged in');

// --- the mapped flow: graph in both layouts, the group collapses and expands --------------------------------------
await open(page, `flow-runs/${mapped}`);
assert.match(await text(page, '#run-flow'), /run-page-mapped/);
assert.equal(await page.getAttribute('#run-state', 'data-state'), 'COMPLETED');
let s = await until(() => stats(page), (v) => v && v.nodes > 0, 'the graph');
log('dependencies', s);
assert.equal(s.layout, 'dependencies');
assert.equal(s.groups, 1, 'the 1,000 runs of square are one group');
assert.ok(s.nodes <= 3, `collapsed graph has the group and total, got ${s.nodes}`);
await page.waitForTimeout(300);
await page.screenshot({ path: `${shots}/30-run-graph-dependencies.png` });

await page.locator('#graph-layout vaadin-radio-button', { hasText: 'Timeline' }).click();
s = await until(() => stats(page), (v) => v.layout === 'timeline', 'the timeline layout');
await page.waitForTimeout(300);
await page.screenshot({ path: `${shots}/31-run-graph-timeline.png` });
await page.locator('#graph-layout vaadin-radio-button', { hasText: 'Dependencies' }).click();
await until(() => stats(page), (v) => v.layout === 'dependencies', 'the dependencies layout again');

await clickNode(page, '×1000');
s = await until(() => stats(page), (v) => v.expandedGroups === 1, 'the group expanded by a click');
assert.ok(s.nodes >= 1001, `expanded: every mapped run is a node, got ${s.nodes}`);
assert.equal(s.groups, 0);
await page.waitForTimeout(300);
await page.screenshot({ path: `${shots}/32-run-graph-group-expanded.png` });
await clickNode(page, 'square-', true);
s = await until(() => stats(page), (v) => v.expandedGroups === 0 && v.groups === 1, 'the group collapsed by a double-click');

// search, then select total: its details name the group it waits for
await page.fill('#graph-search input', 'total');
await until(() => text(page, '#graph-search-hits'), (t) => t === '1 match', 'one search hit');
assert.equal((await stats(page)).searchHits, 1);
await clickNode(page, 'total');
await until(() => text(page, '#node-label'), (t) => t.startsWith('total'), 'the selected node\'s details');
assert.match(await text(page, '#node-upstream'), /square ×1000/);
assert.match(await text(page, '#node-state'), /COMPLETED/);
const totalHref = await page.getAttribute('#node-open', 'href');
assert.match(totalHref, /^task-runs\/[0-9a-f-]{36}$/);

// --- results ------------------------------------------------------------------------------------------------------
await page.click('#tab-results');
await until(() => page.url(), (u) => u.endsWith(`/flow-runs/${mapped}/results`), 'the results tab\'s address');
const results = await until(() => text(page, '#results-count'), (t) => /^\d+ results$/.test(t), 'the results');
assert.ok(parseInt(results, 10) >= 1002, `the flow's result, total's and 1,000 squares', got ${results}`);
let grid = await until(() => rows(page, '#results-grid'), (t) => t.includes('square-'), 'result rows');
log('results\n' + grid.split('\n').slice(0, 4).join('\n'));
assert.match(grid, /dict \(json\)\|[^|]*\.prefect\/storage\/[^|]+\|\{"count":1000,"sum":332833500\}/, 'the flow result and its preview');
assert.match(grid, /square-[^|]*\|[^|]*\|int \(json\)\|[^|]*\.prefect\/storage\/[^|]+\|\d+/, 'a square\'s result');
await page.screenshot({ path: `${shots}/34-run-results.png` });

// --- task runs ----------------------------------------------------------------------------------------------------
await page.click('#tab-task-runs');
await until(() => page.url(), (u) => u.endsWith('/task-runs'), 'the task runs tab\'s address');
grid = await until(() => rows(page, '#task-runs-grid'), (t) => t.includes('square-'), 'task run rows');
assert.match(grid, /square-[^|]*\|square-[^|]*\|Completed\|/);

// --- logs: level filter, both orders, download ---------------------------------------------------------------------
await page.click('#tab-logs');
await until(() => page.url(), (u) => u.endsWith('/logs'), 'the logs tab\'s address');
await until(() => rows(page, '#logs-grid'), (t) => t.length > 0, 'log rows');
await page.click('#logs-level');
await page.locator('vaadin-select-item', { hasText: 'Warning and above' }).click();
grid = await until(() => rows(page, '#logs-grid'), (t) => t.split('\n').length === 2, 'two warning-and-above lines');
assert.ok(grid.indexOf('summing 1000 squares') < grid.indexOf('an error line'), `oldest first:\n${grid}`);
await page.click('#logs-order');
await page.locator('vaadin-select-item', { hasText: 'Newest first' }).click();
grid = await until(() => rows(page, '#logs-grid'), (t) => t.split('\n')[0].includes('an error line'), 'newest first');
assert.ok(grid.indexOf('an error line') < grid.indexOf('summing 1000 squares'));
const [download] = await Promise.all([page.waitForEvent('download'), page.click('#logs-download-text')]);
const file = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
assert.equal(file.length, 2, `the download has the filtered lines: ${file}`);
assert.match(file[0], /ERROR .* - an error line/);
assert.match(file[1], /WARNING .* - summing 1000 squares/);

// --- deep links ---------------------------------------------------------------------------------------------------
await open(page, `flow-runs/${mapped}/results`);
await until(() => page.evaluate(() => document.querySelector('#tab-results')?.hasAttribute('selected')), Boolean,
  'the results tab opened by its link');
await page.waitForSelector('#results-grid');
await open(page, `flow-runs/${mapped}?tab=details`);
await page.waitForSelector('#state-history');
assert.match(await rows(page, '#state-history'), /Running[\s\S]*Completed/);
assert.match(await text(page, '#details-parameters'), /"n"|\{\}/);

// --- the task run page --------------------------------------------------------------------------------------------
await open(page, `${totalHref}/results`);
assert.match(await text(page, '#run-name'), /^total/);
grid = await until(() => rows(page, '#results-grid'), (t) => t.includes('sum'), 'the task run\'s result');
assert.match(grid, /dict \(json\)/);
await page.click('#tab-details');
await until(() => page.url(), (u) => u.endsWith('/details'), 'the details tab\'s address');
await page.waitForSelector('#details-inputs a');
assert.match(await rows(page, '#state-history'), /Completed/);
await page.click('#tab-logs');
await until(() => rows(page, '#logs-grid'), (t) => t.includes('summing 1000 squares'), 'the task run\'s logs');
await page.screenshot({ path: `${shots}/36-task-run.png` });

// --- a subflow expands in place -----------------------------------------------------------------------------------
await open(page, `flow-runs/${subflow}`);
s = await until(() => stats(page), (v) => v && v.nodes === 2, 'prepare and the subflow');
await clickNode(page, 'kind:flow-run', true);
s = await until(() => stats(page), (v) => v.subflowsExpanded === 1 && v.nodes === 3, 'the subflow\'s task in place');

// --- the running flow: pending tasks with their upstream, logs followed live, live graph update ------------------
await open(page, `flow-runs/${running}`);
assert.equal(await page.getAttribute('#run-state', 'data-state'), 'RUNNING');
s = await until(() => stats(page), (v) => v && v.nodes === 3 && v.waiting === 2, 'two tasks waiting on the first');
await clickNode(page, 'last_step');
await until(() => text(page, '#node-upstream'), (t) => t.includes('after_wait'), 'last_step waits for after_wait');
await page.click('#graph-fit');
await page.waitForTimeout(300);
await page.screenshot({ path: `${shots}/33-run-pending.png` });

await page.click('#tab-logs');
const ticks = async () => {
  const all = [...(await rows(page, '#logs-grid')).matchAll(/tick (\d+)/g)].map((m) => parseInt(m[1], 10));
  return all.length ? Math.max(...all) : 0;
};
const first = await until(ticks, (n) => n > 0, 'a tick logged');
const later = await until(ticks, (n) => n >= first + 3, 'new lines followed live, without reload', 30_000);
log(`followed ticks ${first} -> ${later}`);
await page.screenshot({ path: `${shots}/35-run-logs.png` });

await page.click('#tab-graph');
fs.writeFileSync(release, 'released');
await until(() => page.getAttribute('#run-state', 'data-state'), (st) => st === 'COMPLETED', 'the run completed, live', 60_000);
await until(() => stats(page), (v) => v.waiting === 0 && v.nodes === 3, 'the graph updated live');

await browser.close();
assert.deepEqual(pageErrors, [], 'no script errors in the pages');
log('passed');
