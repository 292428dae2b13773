// The end-to-end world: a throwaway PostgreSQL cluster (tools/pg-cluster.sh), the Snowflake
// emulator sfemu filled with its demo data set and serving the SQL API with key-pair auth, the
// packaged bootstrap, and sf2pg configurations pointing at them.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');
const { BUILD, ROOT, sleep } = require('./emulator');

/** Why the end-to-end tests cannot run here, or null when they can. */
function missingPrerequisite() {
  for (const f of ['sf2pg', 'sfemu', 'sf2pg_lambda_emu']) {
    if (!fs.existsSync(path.join(BUILD, f))) return `${path.join(BUILD, f)} is not built`;
  }
  return null;
}

function spawnSyncQuiet(cmd, args, env) {
  try {
    return execFileSync(cmd, args, { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return `${e.stdout || ''}${e.stderr || ''}`;
  }
}

// sf2pg loads into existing tables: the demo tables' PostgreSQL shape (docs/snowflake_types.md).
const TARGET_DDL = `
CREATE TABLE analytics.factvisit (visit_id numeric(38,0) PRIMARY KEY, patient_id varchar(36),
  visit_date date, amount numeric(12,2), duration_min integer, updated_at timestamp,
  created_at timestamptz, notes text, tags jsonb, local_time timestamptz);
CREATE TABLE analytics.dimpatient ("Patient Id" varchar(36) PRIMARY KEY, "First Name" text,
  "Last Name" text, "Birth Date" date, "Status" text, "Source System" text,
  "Risk Score" numeric(10,4), "Is Active" boolean, "Created At" timestamp,
  "Updated Datatimestamp" timestamptz, "Attributes" jsonb);`;

class E2eWorld {
  async start({ rows = 20000, latencyMs = 0 } = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf2pg-e2e-'));
    const pgdir = path.join(this.dir, 'pg');
    this.pgdir = pgdir; // set before starting, so stop() cleans up after a failed start
    this.pgPort = execFileSync(path.join(ROOT, 'tools', 'pg-cluster.sh'), ['start', pgdir], { encoding: 'utf8' })
      .trim().split('\n').pop();
    this.pgEnv = { PGHOST: '127.0.0.1', PGPORT: this.pgPort, PGUSER: 'sf2pg', PGPASSWORD: 'sf2pg',
      PGSSLMODE: 'disable' };
    this.psql('postgres', 'CREATE DATABASE sfemu_data');
    execFileSync(path.join(BUILD, 'sfemu'), ['load', '--dataset', 'demo', '--rows', String(rows),
      '--pg-database', 'sfemu_data'], { env: { ...process.env, ...this.pgEnv }, stdio: 'inherit' });
    const key = path.join(this.dir, 'key.p8');
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], { stdio: 'ignore' });
    execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-out', `${key}.pub`], { stdio: 'ignore' });
    this.privateKey = fs.readFileSync(key, 'utf8');
    const portFile = path.join(this.dir, 'sfemu.port');
    const args = ['serve', '--account', 'acme-e2e', '--user', 'SVC_SF2PG', '--public-key', `${key}.pub`,
      '--port', '0', '--port-file', portFile, '--pg-database', 'sfemu_data'];
    if (latencyMs) args.push('--fault-latency-ms', String(latencyMs));
    this.sfemu = spawn(path.join(BUILD, 'sfemu'), args, {
      env: { ...process.env, ...this.pgEnv }, stdio: ['ignore', 'ignore', fs.openSync(path.join(this.dir, 'sfemu.log'), 'a')] });
    for (let i = 0; i < 200 && !fs.existsSync(portFile); i++) await sleep(50);
    if (!fs.existsSync(portFile)) throw new Error(`sfemu did not start: ${fs.readFileSync(path.join(this.dir, 'sfemu.log'), 'utf8')}`);
    this.sfemuPort = Number(fs.readFileSync(portFile, 'utf8'));
    return this;
  }

  psql(db, sql) {
    return execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql],
      { env: { ...process.env, ...this.pgEnv }, encoding: 'utf8' });
  }

  /** The function's environment (what the template's Environment and secrets provide). */
  functionEnv(configPath) {
    return { SF2PG_CONFIG: configPath, SNOWFLAKE_ACCOUNT: 'acme-e2e', SNOWFLAKE_USER: 'SVC_SF2PG',
      SNOWFLAKE_RSA_KEY: this.privateKey.replace(/\n/g, '\\n'), SNOWFLAKE_URL: `http://127.0.0.1:${this.sfemuPort}`,
      SNOWFLAKE_WAREHOUSE: 'E2E_WH', POSTGRES_HOST: '127.0.0.1', POSTGRES_PORT: this.pgPort,
      POSTGRES_USER: 'sf2pg', POSTGRES_PASSWORD: 'sf2pg', POSTGRES_SSLMODE: 'disable', LOG_LEVEL: 'INFO',
      AWS_SESSION_TOKEN: 'e2e-session-token' };
  }

  /** A configuration migrating the analytics tables into `database`, in small chunks. */
  writeConfig(name, database, settings = {}) {
    this.psql('postgres', `CREATE DATABASE ${database}`);
    this.psql(database, `CREATE SCHEMA analytics; ${TARGET_DDL}`);
    const config = {
      parallel_threads: 2, batch_size: 500, batch_size_copy_mode: 500, max_retry_attempts: 3,
      lambda_timeout_buffer_seconds: 1, ...settings,
      sources: [{ source_name: 'analytics', source_sf_database: 'ANALYTICS', source_sf_schema: 'BI',
        target_pg_database: database, target_pg_schema: 'analytics',
        tables: [
          { source: 'FACTVISIT', chunking_columns: ['VISIT_ID'], chunking_column_types: ['bigint'],
            uniqueness_columns: ['VISIT_ID'] },
          { source: 'DIMPATIENT', chunking_columns: ['Patient Id'], chunking_column_types: ['varchar'],
            uniqueness_columns: ['Patient Id'] },
        ] }],
    };
    const file = path.join(this.dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  }

  /** `sf2pg verify --json` with the function's settings: every table's verdict. */
  verify(configPath) {
    const out = spawnSyncQuiet(path.join(BUILD, 'sf2pg'), ['verify', '--json', '--config', configPath],
      this.functionEnv(configPath));
    const start = out.indexOf('[');
    return JSON.parse(out.slice(start, out.lastIndexOf(']') + 1));
  }

  async stop() {
    if (this.sfemu) {
      this.sfemu.kill('SIGTERM');
      await new Promise((r) => this.sfemu.once('exit', r));
    }
    if (this.pgdir && fs.existsSync(this.pgdir)) {
      execFileSync(path.join(ROOT, 'tools', 'pg-cluster.sh'), ['stop', this.pgdir], { stdio: 'ignore' });
    }
  }
}

module.exports = { E2eWorld, missingPrerequisite };
