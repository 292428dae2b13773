// End to end, offline: both workflows run in aws-local-stepfunctions; their Lambda tasks invoke
// the packaged bootstrap through the Runtime API emulator (Lambda timeouts of a few seconds,
// SIGKILL at the deadline), against sfemu and PostgreSQL. The migration needs several resumes
// and must end with the target identical to the source (sf2pg verify).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { runWorkflow } = require('./lib/workflow');
const { startEmulator, BUILD, ROOT } = require('./lib/emulator');
const { E2eWorld, missingPrerequisite } = require('./lib/e2e_env');

// The end-to-end tests need the built binaries; without them they fail rather than skip.
const missing = missingPrerequisite();
if (missing) throw new Error(`e2e: ${missing} (build first: cmake --build build)`);
const ROWS = Number(process.env.SF2PG_E2E_ROWS || 60000);
const TIMEOUT_MS = Number(process.env.SF2PG_E2E_TIMEOUT_MS || 2000);
// Fan-out workers get shorter deadlines so that even three of them need several rounds.
const FANOUT_TIMEOUT_MS = Number(process.env.SF2PG_E2E_FANOUT_TIMEOUT_MS || 2500);
let world;
let bootstrap;

test.before(async () => {
  if (missing) return;
  world = new E2eWorld(); // assigned first, so test.after() stops whatever did start
  await world.start({ rows: ROWS, latencyMs: Number(process.env.SF2PG_E2E_LATENCY_MS || 30) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf2pg-e2e-package-'));
  execFileSync(path.join(ROOT, 'deploy', 'package.sh'),
    ['--no-build', '--build-dir', BUILD, '--out', path.join(dir, 'sf2pg-lambda.zip'), '--config-elsewhere'],
    { stdio: 'ignore' });
  execFileSync('unzip', ['-q', path.join(dir, 'sf2pg-lambda.zip'), '-d', path.join(dir, 'task')]);
  bootstrap = path.join(dir, 'task', 'bootstrap');
});

test.after(async () => {
  if (world) await world.stop();
});

/** Wraps an emulator's invoke to count invocations per state, outcomes and concurrency. */
function recording(emu) {
  const stats = { byState: {}, timeouts: 0, partial: 0, inFlight: 0, maxInFlight: 0, errors: [] };
  const invoke = async (payload, state) => {
    stats.byState[state] = (stats.byState[state] || 0) + 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      const answer = await emu.invoke(payload);
      if (answer.body && answer.body.status === 'partial') stats.partial += 1;
      return answer;
    } catch (e) {
      if (e.name === 'Sandbox.Timedout') stats.timeouts += 1;
      else stats.errors.push(`${e.name}: ${e.message}`);
      throw e;
    } finally {
      stats.inFlight -= 1;
    }
  };
  return { invoke, stats };
}

function assertIdentical(config) {
  const verdicts = world.verify(config);
  assert.strictEqual(verdicts.length, 2, JSON.stringify(verdicts));
  for (const v of verdicts) {
    assert.ok(v.identical, `${v.table}: ${JSON.stringify(v)}`);
    assert.ok(v.source_rows > 0, `${v.table} has rows`);
  }
  return verdicts;
}

test('e2e: the resume workflow migrates everything over several Lambda invocations', { skip: missing || false }, async () => {
  const config = world.writeConfig('single', 'e2e_single');
  const emu = await startEmulator({ bootstrap, env: world.functionEnv(config), timeoutMs: TIMEOUT_MS });
  const { invoke, stats } = recording(emu);
  const started = Date.now();
  try {
    const r = await runWorkflow('single', { source_name: 'analytics', no_resume: true, resume_wait_seconds: 1 }, invoke);
    const seconds = (Date.now() - started) / 1000;
    const emuStats = await emu.stats();
    console.log(`# single: ${stats.byState.Migrate} migrate invocations (${r.output && r.output.resumes} resumes,`,
      `${stats.partial} partial, ${stats.timeouts} hard timeouts), ${emuStats.environments_started} environments,`,
      `${seconds.toFixed(1)} s`);
    assert.ok(r.ok, `${r.error}: ${r.cause} ${stats.errors.join('; ')}\n${fs.readFileSync(emu.log, 'utf8').slice(-4000)}`);
    assert.strictEqual(r.output.status, 'completed');
    assert.ok(r.output.resumes >= 2, `needed ${r.output.resumes} resumes; make the data larger`);
    const verdicts = assertIdentical(config);
    console.log(`# single: ${verdicts.map((v) => `${v.table} ${v.source_rows} rows identical`).join(', ')}`);
  } finally {
    await emu.stop();
  }
});

test('e2e: the fan-out workflow runs 3 concurrent Lambdas on one run until it completes', { skip: missing || false }, async () => {
  const config = world.writeConfig('fanout', 'e2e_fanout');
  const emu = await startEmulator({ bootstrap, env: world.functionEnv(config), timeoutMs: FANOUT_TIMEOUT_MS });
  const { invoke, stats } = recording(emu);
  const started = Date.now();
  try {
    const r = await runWorkflow('fanout', { source_name: 'analytics', no_resume: true, workers: 3, resume_wait_seconds: 1 },
      invoke);
    const seconds = (Date.now() - started) / 1000;
    const emuStats = await emu.stats();
    console.log(`# fanout: ${stats.byState.Coordinate} coordinations, ${stats.byState.Work} worker invocations`,
      `(${r.output && r.output.resumes} rounds, ${stats.timeouts} hard timeouts, at most ${stats.maxInFlight} at once),`,
      `${emuStats.environments_started} environments, ${seconds.toFixed(1)} s`);
    assert.ok(r.ok, `${r.error}: ${r.cause} ${stats.errors.join('; ')}\n${fs.readFileSync(emu.log, 'utf8').slice(-4000)}`);
    assert.strictEqual(r.output.status, 'completed');
    assert.ok(r.output.resumes >= 2, `needed ${r.output.resumes} rounds; make the data larger`);
    assert.strictEqual(stats.maxInFlight, 3);
    assert.ok(stats.byState.Work >= 3);
    assertIdentical(config);
    // One run, worked on by several processes.
    const runs = world.psql('e2e_fanout', "SELECT count(*) FROM migration_status.migration_runs").trim();
    assert.strictEqual(runs, '1');
  } finally {
    await emu.stop();
  }
});
