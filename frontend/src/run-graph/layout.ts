// The two layouts of the run graph. Both put each node in a box of world coordinates (x, y, width; the height is
// fixed) held in typed arrays, so the renderer loops over numbers, not objects, when it culls and draws.
import { RunNode, waiting } from './model';

export const NODE_HEIGHT = 24;
export const ROW_GAP = 8;
const COLUMN_WIDTH = 220;
const COLUMN_GAP = 60;
/** Pixels per second of run time at zoom 1 in the timeline. */
const PX_PER_SECOND = 40;
const MIN_BOX = 6;

export interface Placed {
  x: Float64Array;
  y: Float64Array;
  w: Float64Array;
  /** The extent of the whole drawing. */
  width: number;
  height: number;
}

function place(n: number): Placed {
  return { x: new Float64Array(n), y: new Float64Array(n), w: new Float64Array(n), width: 0, height: 0 };
}

/**
 * The layer of each node: the length of the longest chain of upstream runs before it (Kahn's order over the
 * parent edges; a cycle, which a run graph cannot have, is broken by leaving its nodes in layer 0).
 */
export function layers(nodes: RunNode[]): Int32Array {
  const n = nodes.length;
  const layer = new Int32Array(n);
  const indegree = new Int32Array(n);
  const childStart = new Int32Array(n + 1);
  for (const node of nodes) for (const p of node.parents) childStart[p + 1]++;
  for (let i = 0; i < n; i++) childStart[i + 1] += childStart[i];
  const children = new Int32Array(childStart[n]);
  const fill = childStart.slice(0, n);
  nodes.forEach((node, i) => {
    indegree[i] = node.parents.length;
    for (const p of node.parents) children[fill[p]++] = i;
  });
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue[tail++] = i;
  while (head < tail) {
    const at = queue[head++];
    for (let c = childStart[at]; c < childStart[at + 1]; c++) {
      const child = children[c];
      if (layer[at] + 1 > layer[child]) layer[child] = layer[at] + 1;
      if (--indegree[child] === 0) queue[tail++] = child;
    }
  }
  return layer;
}

/**
 * Dependencies: columns by layer, so the shape shows what waits for what, not how long anything ran. Within a
 * column, nodes are ordered by the mean row of their upstream runs (one barycentre pass), which keeps a run near
 * what it waits for and most edges short.
 */
export function dependencyLayout(nodes: RunNode[]): Placed {
  const n = nodes.length;
  const out = place(n);
  const layer = layers(nodes);
  let columns = 0;
  for (let i = 0; i < n; i++) if (layer[i] + 1 > columns) columns = layer[i] + 1;
  const byLayer: number[][] = Array.from({ length: columns }, () => []);
  for (let i = 0; i < n; i++) byLayer[layer[i]].push(i);
  const row = new Float64Array(n);
  let tallest = 0;
  for (const column of byLayer) {
    const key = new Float64Array(n);
    for (const i of column) {
      const ps = nodes[i].parents;
      let sum = 0;
      for (const p of ps) sum += row[p];
      key[i] = ps.length ? sum / ps.length : i; // roots keep the server's order (creation)
    }
    column.sort((a, b) => key[a] - key[b] || a - b);
    column.forEach((i, r) => (row[i] = r));
    if (column.length > tallest) tallest = column.length;
  }
  const pitch = NODE_HEIGHT + ROW_GAP;
  for (let c = 0; c < columns; c++) {
    const column = byLayer[c];
    // centre short columns against the tallest, so a chain sits in the middle of a wide fan
    const offset = ((tallest - column.length) * pitch) / 2;
    for (const i of column) {
      out.x[i] = c * (COLUMN_WIDTH + COLUMN_GAP);
      out.y[i] = offset + row[i] * pitch;
      out.w[i] = COLUMN_WIDTH;
    }
  }
  out.width = Math.max(0, columns * (COLUMN_WIDTH + COLUMN_GAP) - COLUMN_GAP);
  out.height = tallest * pitch;
  return out;
}

/**
 * Timeline: x is time since the earliest start, each node as wide as it ran (a running one up to {@code now}); a
 * node that has not started sits just after the latest end of what it waits for (or at {@code now}). Rows are
 * packed in order of start, each node taking the lowest row free by then (two heaps: O(n log n) however many runs
 * overlap).
 */
export function timelineLayout(nodes: RunNode[], now: number): Placed {
  const n = nodes.length;
  const out = place(n);
  let origin = Infinity;
  for (const node of nodes) if (node.start < origin) origin = node.start;
  if (!isFinite(origin)) origin = now;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const order = layers(nodes); // upstream runs are placed before the runs that wait for them
  const sequence = Array.from({ length: n }, (_, i) => i).sort((a, b) => order[a] - order[b] || a - b);
  for (const i of sequence) {
    const node = nodes[i];
    if (!isNaN(node.start)) {
      start[i] = node.start;
      end[i] = isNaN(node.end) ? Math.max(now, node.start) : node.end;
    } else {
      let after = -Infinity;
      for (const p of node.parents) if (end[p] > after) after = end[p];
      start[i] = isFinite(after) ? after : now;
      end[i] = start[i];
    }
  }
  const byStart = Array.from({ length: n }, (_, i) => i).sort((a, b) => start[a] - start[b] || a - b);
  const pitch = NODE_HEIGHT + ROW_GAP;
  const busy = new Heap(); // rows in use, by the x where they become free
  const free = new Heap(); // rows free again, by row number
  let rows = 0;
  let right = 0;
  for (const i of byStart) {
    const x = ((start[i] - origin) / 1000) * PX_PER_SECOND;
    const w = Math.max(MIN_BOX, ((end[i] - start[i]) / 1000) * PX_PER_SECOND);
    // a waiting node has no length yet: it is drawn as a marker with room for its label
    const taken = waiting(nodes[i].state) && isNaN(nodes[i].start) ? w + 120 : w;
    while (busy.size && busy.peekKey() <= x) {
      const row = busy.pop();
      free.push(row, row);
    }
    const r = free.size ? free.pop() : rows++;
    busy.push(x + taken + 4, r);
    out.x[i] = x;
    out.y[i] = r * pitch;
    out.w[i] = w;
    if (x + taken > right) right = x + taken;
  }
  out.width = right;
  out.height = rows * pitch;
  return out;
}

/** A binary min-heap of (key, value) numbers. */
class Heap {
  private keys: number[] = [];
  private values: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  peekKey(): number {
    return this.keys[0];
  }

  push(key: number, value: number): void {
    const k = this.keys;
    const v = this.values;
    let i = k.length;
    k.push(key);
    v.push(value);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (k[up] <= key) break;
      k[i] = k[up];
      v[i] = v[up];
      i = up;
    }
    k[i] = key;
    v[i] = value;
  }

  /** Removes the least key's entry; returns its value. */
  pop(): number {
    const k = this.keys;
    const v = this.values;
    const top = v[0];
    const lastKey = k.pop()!;
    const lastValue = v.pop()!;
    if (k.length) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= k.length) break;
        if (child + 1 < k.length && k[child + 1] < k[child]) child++;
        if (k[child] >= lastKey) break;
        k[i] = k[child];
        v[i] = v[child];
        i = child;
      }
      k[i] = lastKey;
      v[i] = lastValue;
    }
    return top;
  }
}
