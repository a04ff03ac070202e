// The run graph's data: Prefect's graph-v2 response (GET /flow_runs/{id}/graph-v2) turned into flat arrays that the
// layouts and the renderer read without allocating per frame.

export type StateType =
  | 'SCHEDULED' | 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'CANCELLING' | 'CRASHED' | 'PAUSED';

/** One node of a graph-v2 response, as the server sends it (Steward adds task_key to task runs). */
export interface WireNode {
  kind: 'task-run' | 'flow-run';
  id: string;
  label: string;
  state_type: StateType | null;
  start_time: string | null;
  end_time: string | null;
  parents: { id: string }[];
  children: { id: string }[];
  task_key?: string | null;
}

/** A graph-v2 response. */
export interface WireGraph {
  start_time: string | null;
  end_time: string | null;
  root_node_ids: string[];
  nodes: [string, WireNode][];
}

/** A run of the graph: a task run, a subflow run, or the collapsed mapped runs of one task. */
export interface RunNode {
  /** The graph-v2 node id (for a subflow, its placeholder task run's id). */
  key: string;
  kind: 'task-run' | 'flow-run' | 'group';
  /** The run's own id (the subflow run's id for a subflow). */
  runId: string;
  label: string;
  state: StateType | null;
  start: number; // epoch ms, NaN when not started
  end: number; // epoch ms, NaN when not ended
  /** Indexes of the runs this one waits for (its upstream). */
  parents: number[];
  /** For a group: the runs it stands for, and how many are in each state. */
  members?: number[];
  counts?: Map<string, number>;
  /** The task it is a run of: runs of one task with two or more members form a mapped group. */
  taskKey: string | null;
  /** Depth of the subflow it belongs to (0: the flow run itself). */
  depth: number;
}

/** States a run has not started in: drawn dashed, with the runs they wait for. */
export function waiting(state: StateType | null): boolean {
  return state === null || state === 'SCHEDULED' || state === 'PENDING' || state === 'PAUSED';
}

function time(text: string | null): number {
  return text ? Date.parse(text) : NaN;
}

/**
 * Flattens a graph-v2 response: runs in the server's order, parents as indexes (an upstream outside the graph, such
 * as a run of another flow, is dropped), the nodes of expanded subflows appended with their depth.
 */
export function fromWire(graph: WireGraph, depth = 0, into: RunNode[] = []): RunNode[] {
  const base = into.length;
  const index = new Map<string, number>();
  graph.nodes.forEach(([key], i) => index.set(key, base + i));
  for (const [key, n] of graph.nodes) {
    const parents: number[] = [];
    for (const p of n.parents) {
      const at = index.get(p.id);
      if (at !== undefined) parents.push(at);
    }
    into.push({
      key, kind: n.kind, runId: n.id, label: n.label, state: n.state_type,
      start: time(n.start_time), end: time(n.end_time), parents,
      taskKey: n.kind === 'task-run' ? (n.task_key ?? null) : null, depth,
    });
  }
  return into;
}

/**
 * The runs as drawn: each task's runs collapsed into one group node, unless the task is in {@code expanded} or has
 * a single run. Edges are re-pointed at the groups and de-duplicated.
 */
export function collapse(runs: RunNode[], expanded: Set<string>): RunNode[] {
  const byTask = new Map<string, number[]>();
  runs.forEach((r, i) => {
    if (r.taskKey) {
      const list = byTask.get(r.taskKey);
      if (list) list.push(i); else byTask.set(r.taskKey, [i]);
    }
  });
  const target = new Int32Array(runs.length); // a run's index among the drawn nodes
  const out: RunNode[] = [];
  const groupAt = new Map<string, number>();
  runs.forEach((r, i) => {
    const members = r.taskKey ? byTask.get(r.taskKey)! : null;
    if (!members || members.length < 2 || expanded.has(r.taskKey!)) {
      target[i] = out.length;
      out.push({ ...r, parents: [] });
      return;
    }
    let g = groupAt.get(r.taskKey!);
    if (g === undefined) {
      g = out.length;
      groupAt.set(r.taskKey!, g);
      out.push({
        key: 'group:' + r.taskKey, kind: 'group', runId: '', label: groupLabel(r.label, members.length),
        state: null, start: NaN, end: NaN, parents: [], members: [], counts: new Map(), taskKey: r.taskKey,
        depth: r.depth,
      });
    }
    const group = out[g];
    group.members!.push(i);
    group.counts!.set(r.state ?? 'NONE', (group.counts!.get(r.state ?? 'NONE') ?? 0) + 1);
    if (!isNaN(r.start) && (isNaN(group.start) || r.start < group.start)) group.start = r.start;
    if (!isNaN(r.end) && (isNaN(group.end) || r.end > group.end)) group.end = r.end;
    target[i] = g;
  });
  for (const group of out) if (group.kind === 'group') group.state = groupState(group.counts!);
  runs.forEach((r, i) => {
    const node = out[target[i]];
    for (const p of r.parents) {
      const from = target[p];
      if (from !== target[i] && !node.parents.includes(from)) node.parents.push(from);
    }
  });
  return out;
}

function groupLabel(label: string, count: number): string {
  // Prefect names a task's runs "<task name>-<suffix>"
  const dash = label.lastIndexOf('-');
  return (dash > 0 ? label.slice(0, dash) : label) + ' ×' + count;
}

/** A group shows the state that needs attention first: failures, then running, then waiting, then done. */
function groupState(counts: Map<string, number>): StateType | null {
  for (const s of ['CRASHED', 'FAILED', 'RUNNING', 'CANCELLING', 'PENDING', 'SCHEDULED', 'PAUSED', 'CANCELLED', 'COMPLETED']) {
    if (counts.has(s)) return s as StateType;
  }
  return null;
}
