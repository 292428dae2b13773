// The arm64 (Graviton) zip on an x86_64 machine: its bootstrap runs under qemu-user-static
// through the Runtime API emulator (build/sf2pg_lambda_emu), answers validate_config, and
// migrates a few hundred rows from sfemu into a throwaway PostgreSQL cluster.
//
// deploy/test/arm64.sh builds the zip, unzips it and runs this file with SF2PG_ARM64_TASK set to
// the unzipped folder (and SF2PG_ARM64_ZIP to the zip). It is not a *.test.js: run.sh (and so tools/test.sh and CI) never runs it,
// because the cross build and the emulated CPU take minutes.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startEmulator } = require('./lib/emulator');
const { E2eWorld, missingPrerequisite } = require('./lib/e2e_env');

const TASK = process.env.SF2PG_ARM64_TASK;
if (!TASK || !fs.existsSync(path.join(TASK, 'bootstrap'))) {
  throw new Error('SF2PG_ARM64_TASK must name an unzipped arm64 package (deploy/test/arm64.sh sets it)');
}
const missing = missingPrerequisite();
if (missing) throw new Error(`arm64: ${missing} (build first: cmake --build build)`);
const ROWS = Number(process.env.SF2PG_ARM64_ROWS || 300);
// Emulated, sf2pg runs several times slower than on the machine's own CPU.
const TIMEOUT_MS = Number(process.env.SF2PG_ARM64_TIMEOUT_MS || 300000);
const QEMU = process.env.SF2PG_QEMU || 'qemu-aarch64-static';
const LOADER = 'ld-linux-aarch64.so.1';

/**
 * The bootstrap to run. With qemu registered in binfmt_misc the package's own bootstrap runs
 * unchanged; otherwise a copy next to it (same folder, so it finds bin/ and lib/ the same way)
 * whose only change is that the bundled loader is started by qemu.
 */
function bootstrapUnderQemu() {
  const original = path.join(TASK, 'bootstrap');
  const binfmt = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
  if (fs.existsSync(binfmt) && fs.readFileSync(binfmt, 'utf8').startsWith('enabled')) return original;
  const text = fs.readFileSync(original, 'utf8');
  const exec = `exec "$root/lib/${LOADER}" `;
  assert.strictEqual(text.split(exec).length, 2, `the bootstrap execs the bundled ${LOADER} once:\n${text}`);
  const copy = path.join(TASK, 'bootstrap.qemu');
  fs.writeFileSync(copy, text.replace(exec, `exec ${QEMU} "$root/lib/${LOADER}" `), { mode: 0o755 });
  return copy;
}

let world;
let bootstrap;

test.before(async () => {
  bootstrap = bootstrapUnderQemu();
  world = new E2eWorld(); // assigned first, so test.after() stops whatever did start
  await world.start({ rows: ROWS });
});

test.after(async () => {
  if (world) await world.stop();
});

test('arm64: the zip\'s modes, as Lambda extracts them', { skip: !process.env.SF2PG_ARM64_ZIP && 'no SF2PG_ARM64_ZIP' }, () => {
  const listing = execFileSync('zipinfo', ['-l', process.env.SF2PG_ARM64_ZIP], { encoding: 'utf8' });
  const entries = listing.split('\n').filter((l) => /^[-d][rwx-]{9} /.test(l));
  assert.ok(entries.length > 10, listing);
  for (const line of entries) {
    const [mode] = line.split(/\s+/);
    const name = line.split(/\s+/).pop();
    const executable = line.startsWith('d') || ['bootstrap', 'bin/sf2pg', `lib/${LOADER}`].includes(name);
    assert.strictEqual(mode.slice(1), executable ? 'rwxr-xr-x' : 'rw-r--r--', line);
  }
});

test('arm64: every library sf2pg loads comes from the zip', () => {
  const listing = execFileSync(QEMU, [path.join(TASK, 'lib', LOADER), '--library-path', path.join(TASK, 'lib'),
    '--list', path.join(TASK, 'bin', 'sf2pg')], { env: {}, encoding: 'utf8' });
  assert.doesNotMatch(listing, /not found/, listing);
  const resolved = [...listing.matchAll(/=> (\S+)/g)].map((m) => m[1]);
  assert.ok(resolved.length > 10, listing);
  for (const lib of resolved) {
    assert.ok(lib.startsWith(path.join(TASK, 'lib')) || lib.endsWith(LOADER), `${lib} comes from the host`);
  }
});

test('arm64: the bootstrap runs with an empty environment', () => {
  const version = execFileSync(bootstrap, ['--version'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
  console.log(`# ${version.trim()}`);
  assert.match(version, /^sf2pg \d+\.\d+\.\d+/);
});

test('arm64: validate_config through the Runtime API', async () => {
  const config = world.writeConfig('arm64_validate', 'arm64_validate');
  const emu = await startEmulator({ bootstrap, env: world.functionEnv(config), timeoutMs: TIMEOUT_MS });
  try {
    const answer = await emu.invoke({ action: 'validate_config' });
    assert.strictEqual(answer.statusCode, 200, JSON.stringify(answer));
    assert.strictEqual(answer.body.status, 'ok', JSON.stringify(answer));
    assert.strictEqual(answer.body.tables, 2, JSON.stringify(answer));
    await assert.rejects(emu.invoke({ action: 'migrate', source_name: 'nope' }),
      (e) => e.name === 'Sf2pg.ConfigError' && /unknown source nope/.test(e.message));
  } finally {
    await emu.stop();
  }
});

test('arm64: a small migration from sfemu lands every row', async () => {
  const config = world.writeConfig('arm64_migrate', 'arm64_migrate');
  const emu = await startEmulator({ bootstrap, env: world.functionEnv(config), timeoutMs: TIMEOUT_MS });
  const started = Date.now();
  try {
    let payload = { action: 'migrate', source_name: 'analytics', no_resume: true };
    let answer;
    let invocation;
    for (invocation = 1; ; invocation++) {
      answer = await emu.invoke(payload);
      const body = answer.body;
      console.log(`# migrate invocation ${invocation}: ${body.status}, ${body.counts.rows} rows,`,
        `${body.counts.chunks_completed}/${body.counts.chunks_total} chunks, ${body.seconds} s`);
      if (body.status !== 'partial' || invocation === 5) break;
      payload = { action: 'migrate', source_name: 'analytics', resume_run_id: body.run_id };
    }
    assert.strictEqual(answer.body.status, 'completed', `${JSON.stringify(answer)}\n` +
      fs.readFileSync(emu.log, 'utf8').slice(-4000));
    assert.strictEqual(answer.body.counts.tables_completed, 2);
    const verdicts = world.verify(config);
    assert.strictEqual(verdicts.length, 2, JSON.stringify(verdicts));
    let rows = 0;
    for (const v of verdicts) {
      assert.ok(v.identical, `${v.table}: ${JSON.stringify(v)}`);
      assert.ok(v.source_rows > 0, `${v.table} has rows`);
      rows += v.source_rows;
    }
    const landed = Number(world.psql('arm64_migrate',
      'SELECT (SELECT count(*) FROM analytics.factvisit) + (SELECT count(*) FROM analytics.dimpatient)').trim());
    assert.strictEqual(landed, rows);
    if (invocation === 1) assert.strictEqual(answer.body.counts.rows, rows);
    console.log(`# migrated ${verdicts.map((v) => `${v.table} ${v.source_rows} rows`).join(', ')} identical,`,
      `${((Date.now() - started) / 1000).toFixed(1)} s under qemu`);
  } finally {
    await emu.stop();
  }
});
