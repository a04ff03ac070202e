// The Artifacts page, a key's history and the run pages' Artifacts tab in real Chromium, on artifacts the real prefect
// client made (ArtifactsBrowserIT, artifact_flows.py): RUN_ID is the flow run, still running; it moves its progress
// artifact once WATCH_FILE exists and ends once RELEASE_FILE exists. IMAGE_URL is the image artifact's PNG.
// Checks each type rendered (markdown with its heading and table, table grids, link, image, result, progress moving
// live in place), that the markdown's script, onerror image, javascript: link and iframe are gone and never ran, the
// keys with their latest version and run, search by key, and a key's history newest first.
// Screenshots 50-53 go to it/screenshots/. Exits non-zero on the first failed check.
import { launchChromium, logIn, rows, until } from './console-session.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.env.STEWARD_URL;
const workspace = process.env.STEWARD_WORKSPACE || 'default';
const { RUN_ID: run, IMAGE_URL: imageUrl, WATCH_FILE: watch, RELEASE_FILE: release } = process.env;
assert.ok(base && run && imageUrl && watch && release, 'STEWARD_URL, RUN_ID, IMAGE_URL, WATCH_FILE and RELEASE_FILE are required');
const shots = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
const t0 = Date.now();
const log = (...a) => console.log(`[artifacts ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

const browser = await launchChromium();
const pageErrors = [];

const text = (page, sel) => page.evaluate((s) => document.querySelector(s)?.textContent ?? '', sel);
const card = (artifactKey) => `#run-artifacts .artifact-card[data-key="${artifactKey}"]`;

/**
 * What of the attempts reached the page: the flag the scripts would set, and within `root` any script, iframe,
 * object or embed, any on* attribute, and in the whole page any javascript: (or vbscript:/data:) link or source.
 */
async function xssFindings(page, root) {
  return page.evaluate((sel) => {
    const found = [];
    if (window.__xss !== undefined) found.push(`window.__xss = ${window.__xss}`);
    const scope = document.querySelector(sel);
    if (!scope) return ['no ' + sel];
    for (const el of scope.querySelectorAll('script, iframe, object, embed, frame')) found.push(el.outerHTML.slice(0, 80));
    for (const el of scope.querySelectorAll('*')) {
      for (const a of el.attributes) if (a.name.toLowerCase().startsWith('on')) found.push(`${el.tagName} ${a.name}`);
    }
    for (const a of document.querySelectorAll('a[href], area[href], [src]')) {
      const url = (a.getAttribute('href') ?? a.getAttribute('src')).replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
      if (/^(javascript|vbscript):/.test(url) || (a.hasAttribute('href') && url.startsWith('data:'))) {
        found.push(`${a.tagName} ${url.slice(0, 60)}`);
      }
    }
    return found;
  }, root);
}

async function open(page, route) {
  await page.goto(`${base}/${route}`);
  await page.waitForSelector('#run-name', { timeout: 30_000 });
}

const page = await logIn(browser, { base, user: 'alice', password: 'alice', workspace, pageErrors, log,
  contextOptions: { viewport: { width: 1400, height: 950 } } });
log('logged in');

// --- the running flow's Artifacts tab, by its ?tab= link -------------------------------------------------------------
await open(page, `flow-runs/${run}?tab=artifacts`);
assert.equal(await page.getAttribute('#run-state', 'data-state'), 'RUNNING');
await until(() => page.evaluate(() => document.querySelector('#tab-artifacts')?.hasAttribute('selected')), Boolean,
  'the artifacts tab opened by its link');
await page.waitForSelector(card('progress-demo') + ' vaadin-progress-bar');
assert.match(await text(page, '#run-artifacts-count'), /^11 artifacts$/, 'every version of the run, its task\'s included');

// markdown: the heading and the GFM table rendered as HTML
assert.equal(await text(page, `${card('task-report')} .artifact-markdown h1`), 'Task report');
assert.match(await text(page, `${card('task-report')} .artifact-markdown table tbody`), /north\s*120\s*yes/);
assert.equal(await text(page, `${card('task-report')} .artifact-description strong`), 'task');
// tables as grids: a dict of lists and a list of dicts, columns from the keys
let grid = await until(() => rows(page, `${card('flow-table')} vaadin-grid`), (t) => t.includes('latency'), 'the flow table');
assert.equal(grid, 'latency|12.5\nerrors|');
grid = await until(() => rows(page, `${card('task-table')} vaadin-grid`), (t) => t.includes('north'), 'the task table');
assert.equal(grid, 'north|120\nsouth|98');
// a link (Prefect writes it as markdown; http(s) only), an image, a result
const link = page.locator(`${card('docs-link')} .artifact-markdown a`);
assert.equal(await link.getAttribute('href'), 'https://docs.prefect.io/');
assert.equal(await link.getAttribute('target'), '_blank');
assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');
assert.equal(await link.textContent(), 'Prefect docs');
assert.equal(await page.locator(`${card('bad-link')} .artifact-markdown a[href]`).count(), 0, 'a javascript: link artifact links nowhere');
assert.match(await text(page, card('bad-link')), /bad link/);
assert.equal(await page.getAttribute(`${card('chart-image')} img.artifact-image`, 'src'), imageUrl);
await until(() => page.evaluate((s) => document.querySelector(s)?.naturalWidth ?? 0, `${card('chart-image')} img`),
  (w) => w === 240, 'the image loaded');
assert.match(await text(page, `${card('result-summary')} .artifact-preview`), /"sum":\s*218/);
// the task's artifacts link their task run
const taskRun = await page.getAttribute(`${card('task-report')} .artifact-task-run a`, 'href');
assert.match(taskRun, /^task-runs\/[0-9a-f-]{36}$/);

// the attempts in the markdown (and its description) are gone, and none ran
const xss = `${card('xss-report')}`;
assert.equal(await text(page, `${xss} .artifact-markdown h1`), 'Sanitized report');
assert.match(await text(page, `${xss} .artifact-markdown`), /Text after the attempts/);
assert.equal(await page.getAttribute(`${xss} .artifact-markdown a:text("safe link")`, 'href'), 'https://example.com/docs');
assert.equal(await page.getAttribute(`${xss} .artifact-markdown a:text("click")`, 'href'), null, 'the javascript: link lost its href');
assert.deepEqual(await xssFindings(page, '#run-artifacts'), []);
await page.locator(xss).screenshot({ path: `${shots}/53-artifact-xss-sanitized.png` });

// --- the progress bar moves live, in place, while the page polls the running flow ---------------------------------
const bar = `${card('progress-demo')} vaadin-progress-bar`;
await page.evaluate(() => document.querySelector('#run-name').scrollIntoView()); // the newest, the progress, at the top
await page.evaluate((s) => { document.querySelector(s).__watched = true; }, bar);
assert.equal(await page.evaluate((s) => document.querySelector(s).value, bar), 0);
fs.writeFileSync(watch, 'watching');
const seen = [0];
let shot = false;
await until(async () => {
  const value = await page.evaluate((s) => document.querySelector(s)?.value ?? -1, bar);
  if (value !== seen[seen.length - 1]) seen.push(value);
  if (!shot && value >= 40) {
    shot = true;
    await page.screenshot({ path: `${shots}/52-run-artifacts-tab.png` });
  }
  return value;
}, (v) => v === 100, 'the progress at 100, live', 40_000);
log('progress seen', seen.join(' -> '));
assert.ok(seen.filter((v) => v > 0 && v < 100).length >= 2, `the bar moved through steps: ${seen}`);
assert.deepEqual([...seen].sort((a, b) => a - b), seen, 'the bar only moved forward');
assert.ok(await page.evaluate((s) => document.querySelector(s).__watched === true, bar), 'the same bar moved, in place');
assert.equal(await text(page, `${card('progress-demo')} .artifact-progress-value`), '100%');

fs.writeFileSync(release, 'released');
await until(() => page.getAttribute('#run-state', 'data-state'), (st) => st === 'COMPLETED', 'the run completed', 60_000);

// --- the task run's Artifacts tab, by its path link ----------------------------------------------------------------
await open(page, `${taskRun}/artifacts`);
assert.match(await text(page, '#run-name'), /^task_report/);
await page.waitForSelector('#run-artifacts');
assert.equal(await text(page, '#run-artifacts-count'), '2 artifacts');
assert.equal(await text(page, `${card('task-report')} .artifact-markdown h1`), 'Task report');
await until(() => rows(page, `${card('task-table')} vaadin-grid`), (t) => t === 'north|120\nsouth|98', 'the task table');

// --- the Artifacts page: keys with their latest version, search, history --------------------------------------------
await page.click('#nav-artifacts');
await page.waitForSelector('#artifacts-grid');
grid = await until(() => rows(page, '#artifacts-grid'), (t) => t.includes('xss-report') && t.includes('progress-demo'),
  'the keys');
log('keys\n' + grid);
for (const k of ['xss-report', 'flow-table', 'docs-link', 'chart-image', 'result-summary', 'history-demo', 'task-report',
  'task-table', 'progress-demo']) {
  assert.match(grid, new RegExp(`^${k}\\|`, 'm'), `the key ${k} is listed`);
}
assert.match(grid, /^history-demo\|markdown\|\|[^|]+\|[0-9a-f-]{36}$/m, 'a key: type, description, updated, flow run');
assert.ok(await page.locator(`#artifacts-grid a[href="flow-runs/${run}"]`).count() >= 9, 'the flow run is linked');
assert.deepEqual(await xssFindings(page, '#artifacts-grid'), []);
await page.waitForTimeout(300);
await page.screenshot({ path: `${shots}/50-artifacts.png` });

await page.fill('#artifacts-search input', 'history');
grid = await until(() => rows(page, '#artifacts-grid'), (t) => t.split('\n').length === 1, 'one key found');
assert.match(grid, /^history-demo\|/);

await page.click('#artifacts-grid a:text("history-demo")');
await until(() => page.url(), (u) => u.endsWith('/artifacts/history-demo'), 'the key\'s page');
// (a stack that ran the flow before keeps those versions too: this run's are the newest two)
assert.match(await text(page, '#artifact-versions-count'), /^\d+ versions, newest first$/);
const versions = await page.evaluate(() => [...document.querySelectorAll('.artifact-card .artifact-markdown')]
  .map((e) => e.textContent.trim()));
assert.deepEqual(versions.slice(0, 2), ['Version two of the history', 'Version one of the history']);
assert.equal(await page.locator(`.artifact-card .artifact-flow-run a[href="flow-runs/${run}"]`).count(), 2);
await page.screenshot({ path: `${shots}/51-artifact-history.png` });

// the key page renders the attempts as safely as the run page
await page.goto(`${base}/artifacts/xss-report`);
await page.waitForSelector('.artifact-card .artifact-markdown h1');
assert.deepEqual(await xssFindings(page, '.artifact-key-view'), []);

// a viewer reads the same pages
const bob = await logIn(browser, { base, user: 'bob', password: 'bob', workspace, pageErrors, log });
await bob.goto(`${base}/artifacts/history-demo`);
await bob.waitForSelector('#artifact-versions-count');
assert.match(await text(bob, '#artifact-versions-count'), /^\d+ versions, newest first$/);

await browser.close();
assert.deepEqual(pageErrors, [], 'no script errors in the pages');
log('passed');
