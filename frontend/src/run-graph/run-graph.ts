// <steward-run-graph>: a flow run's graph drawn on a canvas, in two layouts (dependencies: layered by what waits for
// what; timeline: time on the x axis), with pan, zoom, selection, search, mapped runs collapsed into groups that
// expand on click, subflows that expand in place, and live updates that keep the view. Plain custom element (no
// framework): the console's Vaadin view feeds it graph-v2 responses and listens to its events.
import { NODE_HEIGHT, Placed, dependencyLayout, timelineLayout } from './layout';
import { RunNode, WireGraph, collapse, fromWire, waiting } from './model';

export type LayoutName = 'dependencies' | 'timeline';

const STATE_COLOURS: Record<string, string> = {
  COMPLETED: '#2f9e5a', FAILED: '#d64545', CRASHED: '#e0702d', RUNNING: '#2f7de1', PENDING: '#8d96a3',
  SCHEDULED: '#d9a514', PAUSED: '#9a7fe0', CANCELLED: '#6b7280', CANCELLING: '#6b7280', NONE: '#8d96a3',
};
const MIN_SCALE = 0.002;
const MAX_SCALE = 4;
/** Above this many nodes in view, boxes are plain rectangles and edges straight lines: a frame stays short. */
const DETAIL_LIMIT = 4000;

/** Detail of the {@code node-select} event. */
export interface NodeSelection {
  key: string;
  kind: RunNode['kind'];
  runId: string;
  label: string;
  state: string | null;
  start: number;
  end: number;
  /** The upstream runs it waits for (or waited for), with their states. */
  upstream: { runId: string; label: string; state: string | null }[];
  /** For a group: how many of its runs are in each state. */
  counts?: Record<string, number>;
}

export class RunGraphElement extends HTMLElement {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private wire: WireGraph | null = null;
  private readonly subgraphs = new Map<string, WireGraph>();
  private readonly expandedTasks = new Set<string>();
  private nodes: RunNode[] = [];
  private placed: Placed = { x: new Float64Array(0), y: new Float64Array(0), w: new Float64Array(0), width: 0, height: 0 };
  private edgeFrom = new Int32Array(0);
  private edgeTo = new Int32Array(0);
  private searchHits = new Uint8Array(0);
  private layoutName: LayoutName = 'dependencies';
  private scale = 1;
  private tx = 0;
  private ty = 0;
  private selectedKey: string | null = null;
  private frame = 0;
  /** Bumped by every change the picture shows apart from pan and zoom: the layer is drawn again. */
  private version = 0;
  private layer: { canvas: HTMLCanvasElement; key: string; left: number; top: number } | null = null;
  private drag: { x: number; y: number; moved: boolean } | null = null;
  /** How long the last frame's drawing took, in ms (read by the benchmark). */
  lastDrawMs = 0;

  static get observedAttributes(): string[] {
    return ['layout'];
  }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>
        :host { display: block; position: relative; overflow: hidden; outline: none; min-height: 200px;
                background: var(--run-graph-background, #fff); }
        canvas { position: absolute; inset: 0; width: 100%; height: 100%; touch-action: none; cursor: grab; }
      </style><canvas part="canvas"></canvas>`;
    this.canvas = root.querySelector('canvas')!;
    this.ctx = this.canvas.getContext('2d', { alpha: false })!;
    new ResizeObserver(() => this.requestDraw()).observe(this);
    this.canvas.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.canvas.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.canvas.addEventListener('pointerup', (e) => this.pointerUp(e));
    this.canvas.addEventListener('dblclick', (e) => this.doubleClick(e));
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.zoomAt(Math.exp(-e.deltaY * 0.0015), e.offsetX, e.offsetY);
    }, { passive: false });
    this.addEventListener('keydown', (e) => this.key(e));
  }

  connectedCallback(): void {
    // focusable for the keyboard (set here: a constructor may not add attributes)
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (name === 'layout') this.layout = value === 'timeline' ? 'timeline' : 'dependencies';
  }

  get layout(): LayoutName {
    return this.layoutName;
  }

  set layout(name: LayoutName) {
    if (name === this.layoutName) return;
    this.layoutName = name;
    this.relayout();
    this.fit();
  }

  /** Shows a graph-v2 response; {@code keepView} for a live update of the same run (pan and zoom stay). */
  setGraph(graph: WireGraph, keepView = false): void {
    this.wire = graph;
    this.relayout();
    if (!keepView) this.fit();
    else this.requestDraw();
  }

  /** The graph of an expanded subflow (from the host, after a subflow-toggle event); null collapses it. */
  setSubgraph(nodeKey: string, graph: WireGraph | null): void {
    if (graph) this.subgraphs.set(nodeKey, graph);
    else this.subgraphs.delete(nodeKey);
    this.relayout();
    this.requestDraw();
  }

  /** Whether a subflow node is expanded (the host refreshes only those while the run goes on). */
  hasSubgraph(nodeKey: string): boolean {
    return this.subgraphs.has(nodeKey);
  }

  /** Expands a task's mapped runs, or collapses them back into one node. */
  toggleGroup(taskKey: string): void {
    if (this.expandedTasks.has(taskKey)) this.expandedTasks.delete(taskKey);
    else this.expandedTasks.add(taskKey);
    this.relayout();
    this.requestDraw();
  }

  /** Marks the nodes whose name contains {@code text} and brings the first into view; how many match. */
  search(text: string): number {
    const needle = text.trim().toLowerCase();
    let count = 0;
    let first = -1;
    this.searchHits = new Uint8Array(this.nodes.length);
    this.version++;
    if (needle) {
      this.nodes.forEach((n, i) => {
        if (n.label.toLowerCase().includes(needle)) {
          this.searchHits[i] = 1;
          if (first < 0) first = i;
          count++;
        }
      });
    }
    if (first >= 0) this.centreOn(first);
    this.requestDraw();
    return count;
  }

  /** Selects a node by its graph key (as a deep link would) and brings it into view. */
  select(key: string | null): void {
    this.selectedKey = key;
    this.version++;
    const i = key === null ? -1 : this.nodes.findIndex((n) => n.key === key);
    if (i >= 0) {
      this.centreOn(i);
      this.dispatchEvent(new CustomEvent<NodeSelection>('node-select', { detail: this.describe(i), bubbles: true, composed: true }));
    }
    this.requestDraw();
  }

  /** Zooms so the whole graph fits (at most 1:1). */
  fit(): void {
    const width = this.clientWidth || 800;
    const height = this.clientHeight || 600;
    const p = this.placed;
    const s = Math.min(1, (width - 40) / Math.max(1, p.width), (height - 40) / Math.max(1, p.height));
    this.scale = Math.max(MIN_SCALE, s);
    this.tx = (width - p.width * this.scale) / 2;
    this.ty = (height - p.height * this.scale) / 2;
    this.requestDraw();
  }

  panBy(dx: number, dy: number): void {
    this.tx += dx;
    this.ty += dy;
    this.requestDraw();
  }

  zoomAt(factor: number, px: number, py: number): void {
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale * factor));
    this.tx = px - ((px - this.tx) * next) / this.scale;
    this.ty = py - ((py - this.ty) * next) / this.scale;
    this.scale = next;
    this.requestDraw();
  }

  /** Number of nodes drawn (groups count once). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** What is on screen, for tests: drawn nodes, groups (collapsed and expanded), waiting nodes, search hits. */
  stats(): { layout: LayoutName; nodes: number; groups: number; expandedGroups: number; waiting: number;
             subflowsExpanded: number; searchHits: number; selected: string | null } {
    let groups = 0;
    let waitingNodes = 0;
    for (const n of this.nodes) {
      if (n.kind === 'group') groups++;
      else if (waiting(n.state)) waitingNodes++;
    }
    let hits = 0;
    for (const h of this.searchHits) hits += h;
    return { layout: this.layoutName, nodes: this.nodes.length, groups, expandedGroups: this.expandedTasks.size,
      waiting: waitingNodes, subflowsExpanded: this.subgraphs.size, searchHits: hits, selected: this.selectedKey };
  }

  /**
   * For tests: where the first node whose name contains {@code text} (or, as "kind:flow-run", of that kind) is on
   * screen, in client coordinates, after bringing it into view; null when none matches.
   */
  locate(text: string): { x: number; y: number; key: string } | null {
    const kind = text.startsWith('kind:') ? text.slice(5) : null;
    const i = this.nodes.findIndex((n) => (kind ? n.kind === kind : n.label.includes(text)));
    if (i < 0) return null;
    this.centreOn(i);
    this.drawNow();
    const box = this.getBoundingClientRect();
    const { x, y, w } = this.placed;
    return { x: box.left + this.tx + (x[i] + Math.min(w[i], 60) / 2) * this.scale,
      y: box.top + this.ty + (y[i] + NODE_HEIGHT / 2) * this.scale, key: this.nodes[i].key };
  }

  /** Draws now instead of on the next animation frame (the benchmark times this). */
  drawNow(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.draw();
  }

  // ---- layout

  private relayout(): void {
    if (!this.wire) return;
    const runs = fromWire(this.wire);
    this.appendSubflows(runs, 1);
    this.nodes = collapse(runs, this.expandedTasks);
    this.placed = this.layoutName === 'timeline' ? timelineLayout(this.nodes, Date.now()) : dependencyLayout(this.nodes);
    let edges = 0;
    for (const n of this.nodes) edges += n.parents.length;
    this.edgeFrom = new Int32Array(edges);
    this.edgeTo = new Int32Array(edges);
    let e = 0;
    this.nodes.forEach((n, i) => {
      for (const p of n.parents) {
        this.edgeFrom[e] = p;
        this.edgeTo[e++] = i;
      }
    });
    this.searchHits = new Uint8Array(this.nodes.length);
    this.version++;
  }

  /** The runs of each expanded subflow follow it: its roots wait for the subflow node. */
  private appendSubflows(runs: RunNode[], depth: number): void {
    const count = runs.length;
    for (let i = 0; i < count; i++) {
      const sub = runs[i].kind === 'flow-run' ? this.subgraphs.get(runs[i].key) : undefined;
      if (!sub || depth > 8) continue;
      const from = runs.length;
      fromWire(sub, depth, runs);
      for (let j = from; j < runs.length; j++) if (runs[j].parents.length === 0) runs[j].parents.push(i);
    }
  }

  // ---- drawing

  private requestDraw(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /**
   * Shows the view. The scene is drawn into a layer twice the view's width and height around it, and a frame that
   * only pans copies from that layer: drawing tens of thousands of boxes and edges costs far more than a frame
   * has, copying an image does not. The layer is drawn again when the zoom, the graph, the selection or the colours
   * change, or the view leaves it.
   */
  private draw(): void {
    const started = performance.now();
    const ratio = window.devicePixelRatio || 1;
    const width = this.clientWidth;
    const height = this.clientHeight;
    if (width === 0 || height === 0) return; // hidden (e.g. another tab of the page): nothing to draw
    if (this.canvas.width !== Math.round(width * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
    }
    const style = getComputedStyle(this);
    const colours = {
      background: style.getPropertyValue('--run-graph-background').trim() || '#ffffff',
      text: style.getPropertyValue('--run-graph-text').trim() || '#1f2933',
      edge: style.getPropertyValue('--run-graph-edge').trim() || '#b8c0cc',
    };
    const s = this.scale;
    const viewLeft = -this.tx / s;
    const viewTop = -this.ty / s;
    const key = `${this.version}|${s}|${ratio}|${width}x${height}|${colours.background}|${colours.text}|${colours.edge}`;
    let layer = this.layer;
    if (!layer || layer.key !== key || viewLeft < layer.left || viewTop < layer.top
        || viewLeft + width / s > layer.left + (2 * width) / s || viewTop + height / s > layer.top + (2 * height) / s) {
      const canvas = layer?.canvas ?? document.createElement('canvas');
      canvas.width = Math.min(16384, Math.round(2 * width * ratio));
      canvas.height = Math.min(16384, Math.round(2 * height * ratio));
      layer = { canvas, key, left: viewLeft - width / (2 * s), top: viewTop - height / (2 * s) };
      this.layer = layer;
      this.renderScene(canvas.getContext('2d', { alpha: false })!, ratio, layer.left, layer.top, 2 * width, 2 * height,
        colours);
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(layer.canvas, Math.round((layer.left - viewLeft) * s * ratio), Math.round((layer.top - viewTop) * s * ratio));
    this.lastDrawMs = performance.now() - started;
  }

  /** Draws the part of the graph from world point (left, top) on a canvas of width x height CSS pixels. */
  private renderScene(ctx: CanvasRenderingContext2D, ratio: number, left: number, top: number, width: number,
                      height: number, colours: { background: string; text: string; edge: string }): void {
    const text = colours.text;
    const edgeColour = colours.edge;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = colours.background;
    ctx.fillRect(0, 0, width, height);

    const { x, y, w } = this.placed;
    const s = this.scale;
    const right = left + width / s;
    const bottom = top + height / s;
    const h = NODE_HEIGHT;
    const n = this.nodes.length;

    let visible = 0;
    for (let i = 0; i < n; i++) {
      if (x[i] <= right && x[i] + w[i] >= left && y[i] <= bottom && y[i] + h >= top) visible++;
    }
    const detailed = visible <= DETAIL_LIMIT;

    // edges: from the right middle of the upstream box to the left middle of the waiting one
    ctx.setTransform(ratio * s, 0, 0, ratio * s, -ratio * left * s, -ratio * top * s);
    ctx.lineWidth = 1 / s;
    const solid = new Path2D();
    const dashed = new Path2D();
    for (let e = 0; e < this.edgeFrom.length; e++) {
      const a = this.edgeFrom[e];
      const b = this.edgeTo[e];
      const x1 = x[a] + w[a];
      const y1 = y[a] + h / 2;
      const x2 = x[b];
      const y2 = y[b] + h / 2;
      if (Math.max(x1, x2) < left || Math.min(x1, x2) > right || Math.max(y1, y2) < top || Math.min(y1, y2) > bottom) continue;
      const path = waiting(this.nodes[b].state) ? dashed : solid;
      path.moveTo(x1, y1);
      if (detailed) {
        const bend = Math.max(20, (x2 - x1) / 2);
        path.bezierCurveTo(x1 + bend, y1, x2 - bend, y2, x2, y2);
      } else {
        path.lineTo(x2, y2);
      }
    }
    ctx.strokeStyle = edgeColour;
    ctx.stroke(solid);
    ctx.setLineDash([4 / s, 3 / s]);
    ctx.stroke(dashed);
    ctx.setLineDash([]);

    // boxes, one path per state colour
    const byColour = new Map<string, Path2D>();
    const outlines = new Path2D();
    for (let i = 0; i < n; i++) {
      if (x[i] > right || x[i] + w[i] < left || y[i] > bottom || y[i] + h < top) continue;
      const node = this.nodes[i];
      const colour = STATE_COLOURS[node.state ?? 'NONE'] ?? STATE_COLOURS.NONE;
      let path = byColour.get(colour);
      if (!path) byColour.set(colour, (path = new Path2D()));
      if (waiting(node.state) && detailed) {
        outlines.rect(x[i], y[i], w[i], h);
        path.rect(x[i], y[i] + h - 4, w[i], 4);
      } else if (detailed) {
        path.roundRect(x[i], y[i], w[i], h, 4);
      } else {
        path.rect(x[i], y[i], w[i], h);
      }
    }
    for (const [colour, path] of byColour) {
      ctx.fillStyle = colour;
      ctx.fill(path);
    }
    ctx.setLineDash([3 / s, 2 / s]);
    ctx.strokeStyle = STATE_COLOURS.NONE;
    ctx.stroke(outlines);
    ctx.setLineDash([]);

    if (detailed) this.drawDetails(ctx, left, top, right, bottom, text, s);
  }

  /** Groups' counts, selection and search marks, and names where they are legible. */
  private drawDetails(ctx: CanvasRenderingContext2D, left: number, top: number, right: number, bottom: number,
                      text: string, s: number): void {
    const { x, y, w } = this.placed;
    const h = NODE_HEIGHT;
    const legible = h * s >= 10;
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (let i = 0; i < this.nodes.length; i++) {
      if (x[i] > right || x[i] + w[i] < left || y[i] > bottom || y[i] + h < top) continue;
      const node = this.nodes[i];
      if (node.kind === 'group') {
        // a bar of the members' states under the box, and a second box behind it: "many runs"
        let at = x[i];
        const total = node.members!.length;
        for (const [state, count] of node.counts!) {
          ctx.fillStyle = STATE_COLOURS[state] ?? STATE_COLOURS.NONE;
          const width = (w[i] * count) / total;
          ctx.fillRect(at, y[i] + h - 5, width, 5);
          at += width;
        }
        ctx.strokeStyle = text;
        ctx.lineWidth = 1 / s;
        ctx.strokeRect(x[i] + 3, y[i] - 3, w[i], h);
      }
      if (node.key === this.selectedKey || this.searchHits[i]) {
        ctx.strokeStyle = node.key === this.selectedKey ? text : '#f5b400';
        ctx.lineWidth = 3 / s;
        ctx.strokeRect(x[i] - 2 / s, y[i] - 2 / s, w[i] + 4 / s, h + 4 / s);
      }
      if (legible) {
        ctx.fillStyle = waiting(node.state) ? text : '#ffffff';
        const label = node.kind === 'flow-run' ? '▸ ' + node.label : node.label;
        // a waiting node's name stands beside its marker, others' inside their box
        const room = waiting(node.state) && node.kind !== 'group' ? Math.max(w[i], 120) : w[i] - 8;
        ctx.save();
        ctx.beginPath();
        ctx.rect(x[i], y[i], room + 8, h);
        ctx.clip();
        ctx.fillText(label, x[i] + 4, y[i] + h / 2 - (node.kind === 'group' ? 2 : 0));
        ctx.restore();
      }
    }
  }

  // ---- interaction

  private hit(px: number, py: number): number {
    const wx = (px - this.tx) / this.scale;
    const wy = (py - this.ty) / this.scale;
    const { x, y, w } = this.placed;
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      if (wx >= x[i] && wx <= x[i] + w[i] && wy >= y[i] && wy <= y[i] + NODE_HEIGHT) return i;
    }
    return -1;
  }

  private pointerDown(e: PointerEvent): void {
    this.canvas.setPointerCapture(e.pointerId);
    this.drag = { x: e.offsetX, y: e.offsetY, moved: false };
    this.canvas.style.cursor = 'grabbing';
  }

  private pointerMove(e: PointerEvent): void {
    if (!this.drag) return;
    const dx = e.offsetX - this.drag.x;
    const dy = e.offsetY - this.drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
    if (this.drag.moved) {
      this.drag.x = e.offsetX;
      this.drag.y = e.offsetY;
      this.panBy(dx, dy);
    }
  }

  private pointerUp(e: PointerEvent): void {
    const click = this.drag && !this.drag.moved;
    this.drag = null;
    this.canvas.style.cursor = 'grab';
    if (!click) return;
    const i = this.hit(e.offsetX, e.offsetY);
    if (i < 0) return;
    const node = this.nodes[i];
    if (node.kind === 'group') {
      this.toggleGroup(node.taskKey!);
      return;
    }
    this.selectedKey = node.key;
    this.version++;
    this.dispatchEvent(new CustomEvent<NodeSelection>('node-select', { detail: this.describe(i), bubbles: true, composed: true }));
    this.requestDraw();
  }

  /** A subflow node asks the host for its graph (or collapses it); an expanded task's run collapses its group. */
  private doubleClick(e: MouseEvent): void {
    const i = this.hit(e.offsetX, e.offsetY);
    if (i < 0) return;
    const node = this.nodes[i];
    if (node.kind === 'flow-run') {
      if (this.subgraphs.has(node.key)) this.setSubgraph(node.key, null);
      else this.dispatchEvent(new CustomEvent('subflow-toggle', { detail: { key: node.key, runId: node.runId }, bubbles: true, composed: true }));
    } else if (node.taskKey && this.expandedTasks.has(node.taskKey)) {
      this.toggleGroup(node.taskKey);
    }
  }

  private key(e: KeyboardEvent): void {
    const step = 60;
    const centreX = this.clientWidth / 2;
    const centreY = this.clientHeight / 2;
    switch (e.key) {
      case 'ArrowLeft': this.panBy(step, 0); break;
      case 'ArrowRight': this.panBy(-step, 0); break;
      case 'ArrowUp': this.panBy(0, step); break;
      case 'ArrowDown': this.panBy(0, -step); break;
      case '+': case '=': this.zoomAt(1.25, centreX, centreY); break;
      case '-': this.zoomAt(0.8, centreX, centreY); break;
      case '0': this.fit(); break;
      default: return;
    }
    e.preventDefault();
  }

  private centreOn(i: number): void {
    const { x, y, w } = this.placed;
    if (this.scale < 0.5) this.scale = 0.5;
    this.tx = this.clientWidth / 2 - (x[i] + w[i] / 2) * this.scale;
    this.ty = this.clientHeight / 2 - (y[i] + NODE_HEIGHT / 2) * this.scale;
  }

  private describe(i: number): NodeSelection {
    const node = this.nodes[i];
    const upstream = node.parents.map((p) => ({ runId: this.nodes[p].runId, label: this.nodes[p].label, state: this.nodes[p].state }));
    const counts = node.counts ? Object.fromEntries(node.counts) : undefined;
    return { key: node.key, kind: node.kind, runId: node.runId, label: node.label, state: node.state, start: node.start,
      end: node.end, upstream, counts };
  }
}

if (!customElements.get('steward-run-graph')) customElements.define('steward-run-graph', RunGraphElement);
