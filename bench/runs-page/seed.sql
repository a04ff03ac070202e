-- Seeds the flow runs page's benchmark (bench/runs-page.sh): in the workspace :'ws', 40 flows, 3 deployments each
-- and :runs flow runs over six months; in a second workspace (slug bench-other), the same flows and :other_runs runs,
-- so that every query has to keep to its workspace. Plain INSERT ... SELECT over generate_series, straight into
-- PostgreSQL: the documents carry what the page and the run's own page read. Runs of earlier seeds are removed first.
\set ON_ERROR_STOP on
\timing on

insert into workspace (id, slug, name, created)
values (gen_random_uuid(), 'bench-other', 'Benchmark: another tenant', now()) on conflict (slug) do nothing;

create temporary table bench_ws as
select id, case slug when 'bench-other' then :other_runs else :runs end as runs
from workspace where id = :'ws'::uuid or slug = 'bench-other';

delete from flow_run r using flow f
where f.id = r.flow_id and f.workspace_id in (select id from bench_ws) and f.name like 'bench-flow-%';
delete from flow where workspace_id in (select id from bench_ws) and name like 'bench-flow-%';

insert into flow (id, workspace_id, name, tags, labels, created, updated)
select gen_random_uuid(), w.id, 'bench-flow-' || lpad(i::text, 2, '0'), '{}', '{}', now(), now()
from bench_ws w, generate_series(1, 40) i;

insert into deployment (id, workspace_id, flow_id, name, paused, tags, created, updated, body)
select d.id, d.workspace_id, d.flow_id, d.name, false, '{}', now(), now(),
       jsonb_build_object('id', d.id, 'name', d.name, 'flow_id', d.flow_id, 'paused', false, 'tags', '[]'::jsonb)
from (select gen_random_uuid() as id, f.workspace_id, f.id as flow_id, env as name
      from flow f cross join unnest(array['prod', 'staging', 'dev']) env
      where f.workspace_id in (select id from bench_ws) and f.name like 'bench-flow-%') d;

-- the flows and deployments numbered, to pick from by number below
create temporary table bench_flow as
select f.workspace_id, f.id, row_number() over (partition by f.workspace_id order by f.name) - 1 as n,
       array(select d.id from deployment d where d.flow_id = f.id order by d.name) as deployments
from flow f where f.workspace_id in (select id from bench_ws) and f.name like 'bench-flow-%';

-- each run: a flow (a few flows run far more often than the rest), a deployment (a quarter without one), an
-- expected start over the last 180 days (the scheduled ones in the next 3 days), a state with a realistic mix
-- (mostly completed, some failed, crashed, cancelled; running and pending only near now), a Prefect-like name, tags
insert into flow_run (id, workspace_id, flow_id, deployment_id, name, state_type, state_name, tags,
                      expected_start_time, start_time, end_time, created, updated, body)
select g.id, g.ws, g.flow_id, g.deployment_id, g.name, g.state_type, g.state_name, g.tags,
       g.expected, g.started, g.ended, g.expected - interval '1 minute', coalesce(g.ended, g.started, g.expected),
       jsonb_build_object('id', g.id, 'name', g.name, 'flow_id', g.flow_id, 'deployment_id', g.deployment_id,
           'state_type', g.state_type, 'state_name', g.state_name, 'tags', to_jsonb(g.tags),
           'expected_start_time', g.expected, 'start_time', g.started, 'end_time', g.ended,
           'created', g.expected - interval '1 minute', 'updated', coalesce(g.ended, g.started, g.expected),
           'parameters', '{}'::jsonb, 'run_count', case when g.started is null then 0 else 1 end,
           'total_run_time', coalesce(extract(epoch from g.ended - g.started), 0),
           'empirical_policy', '{}'::jsonb,
           -- a state as the rules read it: the late-run marker will move the scheduled ones that come due
           'state', jsonb_build_object('id', gen_random_uuid(), 'type', g.state_type, 'name', g.state_name,
               'timestamp', coalesce(g.ended, g.started, g.expected - interval '1 minute'), 'message', null,
               'data', null, 'state_details', jsonb_build_object('flow_run_id', g.id,
                   'scheduled_time', case when g.state_type = 'SCHEDULED' then g.expected end)))
from (
  select s.*,
         case when s.state_type in ('RUNNING', 'COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED')
              then s.expected + (s.r2 * 20) * interval '1 second' end as started,
         case when s.state_type in ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED')
              then s.expected + (20 + s.r2 * 1800) * interval '1 second' end as ended
  from (
    select gen_random_uuid() as id, w.id as ws, f.id as flow_id, f.deployments[1 + x.i % 4] as deployment_id, x.r2,
           (array['brave','calm','eager','fancy','gentle','happy','jolly','kind','lively','merry','nimble','proud',
                  'quick','silly','witty','zany','bold','clever','daring','fuzzy'])[1 + (x.i * 7) % 20] || '-' ||
           (array['otter','badger','falcon','heron','lynx','marmot','newt','owl','panda','quail','raven','seal',
                  'tapir','viper','walrus','yak','zebra','bison','crane','dingo'])[1 + (x.i * 13 / 20) % 20] as name,
           case when x.state = 'SCHEDULED' then now() + x.r3 * interval '3 days'
                when x.state in ('RUNNING', 'PENDING') then now() - x.r3 * interval '30 minutes'
                else now() - interval '35 minutes' - x.r3 * interval '180 days' end as expected,
           x.state as state_type,
           case x.state when 'COMPLETED' then 'Completed' when 'FAILED' then 'Failed' when 'CRASHED' then 'Crashed'
                when 'CANCELLED' then 'Cancelled' when 'RUNNING' then 'Running' when 'PENDING' then 'Pending'
                else 'Scheduled' end as state_name,
           array[(array['prod', 'staging', 'dev'])[1 + x.i % 3]]
               || case when x.i % 7 = 0 then array['nightly'] else '{}' end
               || case when x.i % 50 = 0 then array['backfill'] else '{}' end as tags
    from bench_ws w
    cross join lateral (
      select i, random() as r2, random() as r3, power(random(), 2) as rf,
             case when u < 0.80 then 'COMPLETED' when u < 0.88 then 'FAILED' when u < 0.90 then 'CRASHED'
                  when u < 0.93 then 'CANCELLED' when u < 0.985 then 'SCHEDULED' when u < 0.995 then 'RUNNING'
                  else 'PENDING' end as state
      from (select i, random() as u from generate_series(1, w.runs) i) v) x
    join bench_flow f on f.workspace_id = w.id and f.n = floor(x.rf * 40)::int
  ) s
) g;

vacuum analyze flow_run;
vacuum analyze flow;
vacuum analyze deployment;
