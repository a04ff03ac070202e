// Drives bench/run-graph/page.html in headless Chromium (see bench/run-graph.sh) and prints, per graph size and
// layout, the medians over the runs of: the time to the first full draw, and the median and p95 frame time while
// panning (the time between animation frames; the drawing's own share beside it).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const require = createRequire(path.join(root, 'it/browser/package.json'));
const { chromium } = require('playwright-core');

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const runs = Number(args.runs ?? 3);
const frames = Number(args.frames ?? 120);
const sizes = (args.sizes ?? '1000,20000,50000').split(',').map(Number);
const bundle = args.bundle;

const files = { '/page.html': path.join(here, 'page.html'), '/graphs.js': path.join(here, 'graphs.js'), '/run-graph.js': bundle };
const server = http.createServer((req, res) => {
  const file = files[req.url];
  if (!file) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : 'text/javascript' });
  res.end(fs.readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/page.html`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]; };
const cases = [];
for (const size of sizes) for (const layout of ['dependencies', 'timeline']) cases.push({ size, layout, expanded: true });
cases.push({ size: Math.max(...sizes), layout: 'dependencies', expanded: false });
const results = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(([f]) => window.measure(1000, 'dependencies', true, f), [20]); // warm-up: JIT
  for (const c of cases) {
    const perRun = [];
    for (let r = 0; r < runs; r++) {
      perRun.push(await page.evaluate(([s, l, e, f]) => window.measure(s, l, e, f), [c.size, c.layout, c.expanded, frames]));
    }
    const row = {
      ...c, nodesDrawn: perRun[0].nodesDrawn,
      firstDrawMs: median(perRun.map((m) => m.firstDraw)), firstDrawRuns: perRun.map((m) => Math.round(m.firstDraw)),
      panFrameMedianMs: median(perRun.map((m) => median(m.intervals))), panFrameP95Ms: median(perRun.map((m) => p95(m.intervals))),
      panDrawMedianMs: median(perRun.map((m) => median(m.draws))), panDrawP95Ms: median(perRun.map((m) => p95(m.draws))),
    };
    results.push(row);
    console.log(`${String(c.size).padStart(6)} nodes, ${c.layout.padEnd(12)} ${c.expanded ? 'mapped runs expanded ' : 'mapped runs grouped  '}`
      + `(${String(row.nodesDrawn).padStart(6)} drawn): first full draw ${row.firstDrawMs.toFixed(0).padStart(5)} ms `
      + `[${row.firstDrawRuns.join(' ')}]; panning frame median ${row.panFrameMedianMs.toFixed(1)} ms, p95 `
      + `${row.panFrameP95Ms.toFixed(1)} ms (drawing ${row.panDrawMedianMs.toFixed(1)} / ${row.panDrawP95Ms.toFixed(1)} ms)`);
  }
} finally {
  await browser.close();
  server.close();
}
if (args.json) fs.writeFileSync(args.json, JSON.stringify({ runs, frames, results }, null, 2));
