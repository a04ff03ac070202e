// <steward-runs-chart>: the flow runs page's runs over time, one stacked bar per time bucket, one colour per state
// type, drawn as SVG (a few dozen bars: no canvas or chart library needed). The Vaadin view (console/runs/RunsChart)
// sets `data` to {from, bucketMs, buckets, series: {STATE: [count per bucket]}}. Each bar carries its counts in a
// tooltip; the element's data-total attribute says how many runs it drew, and data-version counts the data it was
// given (tests and the benchmark wait for the next one).

const STATES = ['COMPLETED', 'RUNNING', 'SCHEDULED', 'PENDING', 'PAUSED', 'CANCELLING', 'CANCELLED', 'CRASHED', 'FAILED'];
const SVG = 'http://www.w3.org/2000/svg';

interface ChartData {
  from: number;
  bucketMs: number;
  buckets: number;
  series: Record<string, number[]>;
}

export class RunsChartElement extends HTMLElement {
  private chart: ChartData | null = null;
  private version = 0;
  private readonly svg: SVGSVGElement;
  private readonly resize = new ResizeObserver(() => this.draw());

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>
      :host { display: block; height: 120px; width: 100%; flex-shrink: 0; }
      svg { width: 100%; height: 100%; display: block; }
      text { fill: var(--lumo-secondary-text-color, #666); font: 11px var(--lumo-font-family, sans-serif); }
      line { stroke: var(--lumo-contrast-20pct, #ccc); }
    </style>`;
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('part', 'chart');
    root.appendChild(this.svg);
  }

  connectedCallback() {
    this.resize.observe(this);
  }

  disconnectedCallback() {
    this.resize.disconnect();
  }

  /** The counts, as an object or its JSON text. */
  set data(value: ChartData | string | null) {
    this.chart = typeof value === 'string' ? (JSON.parse(value) as ChartData) : value;
    this.draw();
    this.dataset.version = String(++this.version);
  }

  get data(): ChartData | null {
    return this.chart;
  }

  private draw() {
    const svg = this.svg;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const data = this.chart;
    const width = this.clientWidth || 600;
    const height = this.clientHeight || 120;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.dataset.total = '0';
    if (!data) return;
    const totals = new Array<number>(data.buckets).fill(0);
    for (const values of Object.values(data.series)) values.forEach((v, i) => (totals[i] += v));
    const max = Math.max(1, ...totals);
    const axis = 16;
    const plot = height - axis;
    const step = width / Math.max(1, data.buckets);
    const barWidth = Math.max(1, step - Math.min(2, step / 4));
    const style = getComputedStyle(this);
    for (let i = 0; i < data.buckets; i++) {
      if (totals[i] === 0) continue;
      let y = plot;
      const parts: string[] = [];
      const bar = document.createElementNS(SVG, 'g');
      svg.appendChild(bar);
      for (const state of STATES) {
        const n = data.series[state]?.[i] ?? 0;
        if (n === 0) continue;
        const h = (n / max) * (plot - 4);
        const rect = document.createElementNS(SVG, 'rect');
        rect.setAttribute('x', String(i * step));
        rect.setAttribute('y', String(y - h));
        rect.setAttribute('width', String(barWidth));
        rect.setAttribute('height', String(Math.max(h, 0.5)));
        rect.setAttribute('fill', style.getPropertyValue(`--state-${state.toLowerCase()}`).trim() || '#8d96a3');
        rect.dataset.state = state;
        rect.dataset.count = String(n);
        bar.appendChild(rect);
        y -= h;
        parts.push(`${state.toLowerCase()} ${n}`);
      }
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${this.when(data.from + i * data.bucketMs)}: ${totals[i]} runs (${parts.join(', ')})`;
      bar.appendChild(title);
    }
    const base = document.createElementNS(SVG, 'line');
    base.setAttribute('x1', '0');
    base.setAttribute('x2', String(width));
    base.setAttribute('y1', String(plot));
    base.setAttribute('y2', String(plot));
    svg.appendChild(base);
    for (const [i, anchor] of [[0, 'start'], [data.buckets, 'end']] as [number, string][]) {
      const label = document.createElementNS(SVG, 'text');
      label.setAttribute('x', String(i * step));
      label.setAttribute('y', String(height - 3));
      label.setAttribute('text-anchor', anchor);
      label.textContent = this.when(data.from + i * data.bucketMs);
      svg.appendChild(label);
    }
    this.dataset.total = String(totals.reduce((a, b) => a + b, 0));
  }

  /** A bucket's start in UTC, to the minute. */
  private when(ms: number) {
    return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  }
}

if (!customElements.get('steward-runs-chart')) customElements.define('steward-runs-chart', RunsChartElement);
