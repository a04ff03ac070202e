// Synthetic flow runs of a given size, shaped like real ones (graph-v2 responses): an extract task, a task mapped
// over the items, a second mapped task where each run waits for its item's first run, a reduce that waits for all,
// and a chain of report tasks; states as in a run still going (most done, some running, some waiting, a few failed).
// Deterministic (a seeded generator), so every run of the benchmark draws the same graphs.
export function syntheticGraph(size, seed = 1) {
  let state = seed >>> 0;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const t0 = Date.parse('2026-11-21T12:00:00Z');
  const nodes = [];
  let counter = 0;
  const add = (name, taskKey, parents, startSec, seconds, stateType) => {
    const id = `00000000-0000-4000-8000-${(counter++).toString(16).padStart(12, '0')}`;
    const started = stateType !== 'PENDING' && stateType !== 'SCHEDULED';
    nodes.push([id, {
      kind: 'task-run', id, label: `${name}-${id.slice(-3)}`, state_type: stateType,
      start_time: started ? new Date(t0 + startSec * 1000).toISOString() : null,
      end_time: started && stateType !== 'RUNNING' ? new Date(t0 + (startSec + seconds) * 1000).toISOString() : null,
      parents: parents.map((p) => ({ id: p })), children: [], task_key: taskKey,
    }]);
    return id;
  };
  const chain = 8;
  const items = Math.max(1, Math.floor((size - 2 - chain) / 2));
  const extract = add('extract', 'extract', [], 0, 4, 'COMPLETED');
  const firsts = [];
  for (let i = 0; i < items; i++) {
    const r = random();
    firsts.push(add('transform', 'transform', [extract], 4 + random() * 300, 1 + random() * 20,
      r < 0.85 ? 'COMPLETED' : r < 0.95 ? 'RUNNING' : r < 0.98 ? 'FAILED' : 'PENDING'));
  }
  const seconds = [];
  for (let i = 0; i < items; i++) {
    const r = random();
    seconds.push(add('load', 'load', [firsts[i]], 40 + random() * 400, 1 + random() * 10,
      r < 0.6 ? 'COMPLETED' : r < 0.75 ? 'RUNNING' : 'PENDING'));
  }
  let last = add('reduce', 'reduce', seconds, 0, 0, 'PENDING');
  while (nodes.length < size) last = add(`report${nodes.length}`, `report${nodes.length}`, [last], 0, 0, 'PENDING');
  return { start_time: new Date(t0).toISOString(), end_time: null, root_node_ids: [extract], nodes, artifacts: [], states: [] };
}
