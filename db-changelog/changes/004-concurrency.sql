--liquibase formatted sql

-- Concurrency limits (Prefect's v2 "global concurrency limits"; v1 tag limits are the limits named 'tag:<tag>') and
-- the leases that hold their slots. A slot is taken under a row lock on the limit (SELECT ... FOR UPDATE, in id
-- order so that two multi-limit requests never deadlock), so concurrent increments can never grant more than the
-- limit. Slot counts are double precision: rate limits decay continuously and the API reports them rounded up,
-- which is Prefect's integer arithmetic without losing the fractions a frequently touched limit would otherwise lose.

--changeset steward:004-concurrency
create table concurrency_limit (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    name varchar(255) not null,
    slot_limit integer not null check (slot_limit >= 0),
    active boolean not null default true,
    active_slots double precision not null default 0 check (active_slots >= 0),
    denied_slots double precision not null default 0 check (denied_slots >= 0),
    slot_decay_per_second double precision not null default 0 check (slot_decay_per_second >= 0),
    avg_slot_occupancy_seconds double precision not null default 2.0,
    created timestamptz not null,
    updated timestamptz not null,
    unique (workspace_id, name)
);

-- A lease holds `slots` on each of its limits until it is released or, not renewed, expires (a periodic sweep then
-- gives the slots back). The holder (a task run, flow run or deployment) is what v1's active_slots lists.
create table concurrency_lease (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    limit_ids uuid[] not null,
    slots integer not null check (slots > 0),
    holder_type varchar(16),
    holder_id uuid,
    created timestamptz not null,
    expires timestamptz not null
);
create index concurrency_lease_expires on concurrency_lease (expires);
create index concurrency_lease_limits on concurrency_lease using gin (limit_ids);
create index concurrency_lease_holder on concurrency_lease (workspace_id, holder_id);
