--liquibase formatted sql

-- Prefect's blocks, per workspace: block types, their schemas, the documents (configured blocks) and the references
-- between documents (a block nesting another). Types, schemas and documents are each a workspace's own: a workspace
-- registers the types its flows use (the client does so on first save), as a Prefect server does.
--
-- block_document.data holds the document's JSON without its references; every value at a path the schema lists in
-- secret_fields is stored sealed (AES-256-GCM under the workspace's data key, secrets.SecretCipher), never in plain text.

--changeset steward:018-blocks
create table block_type (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    name text not null,
    slug text not null,
    logo_url text,
    documentation_url text,
    description text,
    code_example text,
    is_protected boolean not null default false,
    created timestamptz not null,
    updated timestamptz not null,
    unique (workspace_id, slug),
    unique (workspace_id, name)
);

create table block_schema (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    block_type_id uuid not null references block_type (id) on delete cascade,
    checksum text not null,
    version text not null,
    -- the JSON schema as the client sent it (compact text, as variables keep their values)
    fields text not null,
    capabilities text[] not null default '{}',
    created timestamptz not null,
    updated timestamptz not null,
    unique (workspace_id, checksum, version)
);
create index block_schema_type on block_schema (workspace_id, block_type_id);

create table block_document (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    block_type_id uuid not null references block_type (id) on delete cascade,
    block_schema_id uuid not null references block_schema (id) on delete cascade,
    block_type_name text not null,
    name text not null,
    is_anonymous boolean not null default false,
    data text not null,
    created timestamptz not null,
    updated timestamptz not null,
    unique (workspace_id, block_type_id, name)
);
create index block_document_name on block_document (workspace_id, name);

create table block_document_reference (
    id uuid primary key,
    workspace_id uuid not null references workspace (id) on delete cascade,
    parent_block_document_id uuid not null references block_document (id) on delete cascade,
    reference_block_document_id uuid not null references block_document (id) on delete cascade,
    name text not null,
    created timestamptz not null,
    unique (parent_block_document_id, name)
);
create index block_document_reference_target on block_document_reference (reference_block_document_id);
