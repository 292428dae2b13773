-- The migration_status schema: sf2pg's record of runs, tables and chunks.
-- sf2pg creates it by itself on first use; this file is for people who want to create it by
-- hand (psql -f sql/migration_status_schema.sql). Safe to run twice.
-- The first three tables are exactly those of the tool sf2pg replaces, so existing monitoring
-- queries keep working. sf2pg creates everything here before its workers start, serialised
-- by an advisory lock, so concurrent processes on a fresh database never collide.

CREATE SCHEMA IF NOT EXISTS migration_status;

CREATE TABLE IF NOT EXISTS migration_status.migration_runs (
    run_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMP,
    status VARCHAR(20) NOT NULL DEFAULT 'running',
    config_hash VARCHAR(64),
    total_sources INTEGER DEFAULT 0,
    total_tables INTEGER DEFAULT 0,
    completed_tables INTEGER DEFAULT 0,
    failed_tables INTEGER DEFAULT 0,
    total_rows_copied BIGINT DEFAULT 0,
    error_message TEXT,
    metadata JSONB,
    created_by VARCHAR(255)
);

CREATE TABLE IF NOT EXISTS migration_status.migration_table_status (
    run_id UUID NOT NULL REFERENCES migration_status.migration_runs(run_id) ON DELETE CASCADE,
    source_name VARCHAR(255) NOT NULL,
    source_database VARCHAR(255) NOT NULL,
    source_schema VARCHAR(255) NOT NULL,
    source_table VARCHAR(255) NOT NULL,
    target_database VARCHAR(255) NOT NULL,
    target_schema VARCHAR(255) NOT NULL,
    target_table VARCHAR(255) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending',
    started_at TIMESTAMP,
    completed_at TIMESTAMP,
    total_chunks INTEGER DEFAULT 0,
    completed_chunks INTEGER DEFAULT 0,
    failed_chunks INTEGER DEFAULT 0,
    total_rows_copied BIGINT DEFAULT 0,
    indexes_disabled BOOLEAN DEFAULT FALSE,
    indexes_restored BOOLEAN DEFAULT FALSE,
    error_message TEXT,
    metadata JSONB,
    PRIMARY KEY (run_id, source_database, source_schema, source_table)
);

CREATE TABLE IF NOT EXISTS migration_status.migration_chunk_status (
    run_id UUID NOT NULL,
    source_database VARCHAR(255) NOT NULL,
    source_schema VARCHAR(255) NOT NULL,
    source_table VARCHAR(255) NOT NULL,
    chunk_id INTEGER NOT NULL,
    chunk_range JSONB NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending',
    rows_copied INTEGER DEFAULT 0,
    started_at TIMESTAMP,
    completed_at TIMESTAMP,
    retry_count INTEGER DEFAULT 0,
    error_message TEXT,
    PRIMARY KEY (run_id, source_database, source_schema, source_table, chunk_id),
    FOREIGN KEY (run_id, source_database, source_schema, source_table)
        REFERENCES migration_status.migration_table_status(run_id, source_database, source_schema, source_table)
        ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS idx_migration_runs_status ON migration_status.migration_runs(status, started_at DESC);
CREATE INDEX IF NOT EXISTS idx_table_status_run_status ON migration_status.migration_table_status(run_id, status);
CREATE INDEX IF NOT EXISTS idx_chunk_status_run_status ON migration_status.migration_chunk_status(run_id, status);

-- @target-tables: from this line to the end, sf2pg also creates these tables in every target
-- database that does not hold the status tables (the rows of a chunk and their bookkeeping
-- commit in the target's own transaction).
CREATE SCHEMA IF NOT EXISTS migration_status;

-- Rows set aside by "on_bad_row": "reject", with the reason and the source's values.
CREATE TABLE IF NOT EXISTS migration_status.rejected_rows (
    run_id UUID NOT NULL,
    source_database VARCHAR(255) NOT NULL,
    source_schema VARCHAR(255) NOT NULL,
    source_table VARCHAR(255) NOT NULL,
    chunk_id INTEGER NOT NULL,
    row_number BIGINT,
    column_name TEXT,
    row_key TEXT,
    reason TEXT,
    raw_row TEXT,
    rejected_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);

-- One row per chunk committed into a target database other than the status database: the
-- proof that the chunk's rows landed, written in the same transaction as the rows.
CREATE TABLE IF NOT EXISTS migration_status.sf2pg_chunk_commits (
    run_id UUID NOT NULL,
    source_database VARCHAR(255) NOT NULL,
    source_schema VARCHAR(255) NOT NULL,
    source_table VARCHAR(255) NOT NULL,
    chunk_id INTEGER NOT NULL,
    rows_copied BIGINT,
    committed_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    PRIMARY KEY (run_id, source_database, source_schema, source_table, chunk_id)
);
