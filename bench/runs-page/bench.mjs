// The flow runs page in headless Chromium against the seeded dev stack (bench/runs-page.sh): logs in on Keycloak's
// page, opens the flow runs page, then for each scenario follows an in-app link to the page with that filter and
// times until the page shows it: the counts per state and the chart drawn from new data (<steward-runs-chart>'s
// data-version moves on), and the grid's first rows rendered. That is the page's three queries (the time span, the
// counts per state and bucket, the first page), the server's work and the round trip. A deep page scrolls the
// grid to row 50,000 and on (page 1,000 and beyond at 50 rows a page) and times until those rows show.
// Each scenario: one warm-up, then --runs measured; before each, the page goes to a filter that finds nothing, so
// every measured step loads and draws new data. Prints medians and writes --json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

// playwright-core as it/browser installs it
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { chromium } = createRequire(path.join(root, 'it/browser/package.json'))('playwright-core');

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const runs = Number(args.runs ?? 5);
const base = process.env.STEWARD_URL;
const workspace = process.env.STEWARD_WORKSPACE || 'default';
const scenarios = JSON.parse(process.env.BENCH_SCENARIOS);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
page.on('pageerror', (e) => console.error('[page error]', e.message));

await page.goto(`${base}/flow-runs`);
await page.waitForSelector('#kc-login', { timeout: 60_000 });
await page.fill('#username', 'alice');
await page.fill('#password', 'alice');
await page.click('#kc-login');
await page.waitForSelector('#current-user', { timeout: 60_000 });
if (!(await page.locator('#workspace-switcher input').inputValue()).includes(`(${workspace})`)) {
  await page.click('#workspace-switcher input');
  await page.fill('#workspace-switcher input', workspace);
  await page.locator('vaadin-combo-box-item', { hasText: `(${workspace})` }).first().click();
}

/** Whether the page shows data newer than chart version `after`, with the grid's first rows rendered. */
const shown = (after, rows = true) => page.waitForFunction(([v, rows]) => {
  const chart = document.querySelector('#runs-chart');
  const grid = document.querySelector('#runs-grid');
  if (!chart || Number(chart.dataset.version ?? 0) <= v || !grid || grid.hasAttribute('loading')) return false;
  if (!rows) return true;
  const row = [...grid.shadowRoot.querySelectorAll('tbody#items tr')].find((r) => !r.hidden);
  return !!row && !row.hasAttribute('loading')
    && (row.querySelector('td slot')?.assignedElements()[0]?.textContent ?? '').length > 0;
}, [after, rows], { timeout: 120_000, polling: 'raf' });

const version = () => page.evaluate(() => Number(document.querySelector('#runs-chart')?.dataset.version ?? 0));

/**
 * Follows an in-app link to the page with the query; resolves with the milliseconds until it is shown (with rows:
 * until the first rows are there too).
 */
async function open(query, rows = true) {
  const before = await version();
  const t0 = await page.evaluate((q) => {
    window.benchPage = true; // gone if the link reloaded the page instead of routing in it
    const a = document.createElement('a');
    a.href = `flow-runs${q ? `?${q}` : ''}`;
    a.setAttribute('router-link', ''); // Vaadin routes such a link in the page, as a click on the navigation does
    document.body.appendChild(a);
    const t = performance.now();
    a.click();
    a.remove();
    return t;
  }, query);
  await shown(before, rows);
  const [now, same] = await page.evaluate(() => [performance.now(), window.benchPage === true]);
  if (!same) throw new Error(`the link to ?${query} reloaded the page`);
  return now - t0;
}

// the counts and chart leave the state filter out: a step between two views that differ only in states would draw
// the same chart, and Vaadin sends no unchanged value; every measured step starts from a view of no runs instead
const RESET = 'tag=bench-reset-finds-nothing';
await shown(0);
const results = [];
for (const s of scenarios) {
  const times = [];
  for (let i = 0; i <= runs; i++) {
    await open(RESET, false); // a filter that finds nothing first, so the step below draws other counts
    const ms = await open(s.query);
    if (i > 0) times.push(ms);
  }
  results.push({ scenario: s.name, query: s.query, runs: times, median_ms: median(times) });
  console.error(`[bench] ${s.name}: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
}

// deep pages: scroll the unfiltered grid to row 50,000 and on; a row is shown when it has its text
await open(RESET, false);
await open('');
const deep = [];
for (let i = 0; i <= runs; i++) {
  const row = 50_000 + i * 5_000;
  const ms = await page.evaluate(async (index) => {
    const grid = document.querySelector('#runs-grid');
    const t0 = performance.now();
    grid.scrollToIndex(index);
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const tr = [...grid.shadowRoot.querySelectorAll('tbody#items tr')]
        .find((r) => !r.hidden && r.index === index && !r.hasAttribute('loading'));
      if (tr && (tr.querySelector('td slot')?.assignedElements()[0]?.textContent ?? '').length > 0) break;
      if (performance.now() - t0 > 120_000) throw new Error(`row ${index} not shown`);
    }
    return performance.now() - t0;
  }, row);
  if (i > 0) deep.push(ms);
  console.error(`[bench] deep page, row ${row}: ${ms.toFixed(0)} ms`);
}
results.push({ scenario: 'deep page (rows 55,000-75,000: page 1,100 and on)', query: '', runs: deep, median_ms: median(deep) });

const total = await page.evaluate(() => document.querySelector('#runs-total')?.textContent);
await browser.close();

console.log(`\nThe flow runs page with ${total} in the workspace (medians of ${runs} after a warm-up):\n`);
console.log('| what the page shows | query string | median | runs |');
console.log('|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.scenario} | \`${r.query || '-'}\` | ${r.median_ms.toFixed(0)} ms | ${r.runs.map((t) => t.toFixed(0)).join(', ')} |`);
}
if (args.json) fs.writeFileSync(args.json, JSON.stringify({ total, runs, results }, null, 2));
