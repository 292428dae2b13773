// The workflows' logic, with a scripted fake function: defaults, resumes, timeouts, limits,
// failures and the fan-out rounds.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { runWorkflow, lambdaError } = require('./lib/workflow');

function envelope(body) {
  return { statusCode: 200, body };
}

/** A fake sf2pg: validate and test succeed; migrate answers from `script` in order. */
function fakeSf2pg(script) {
  const calls = [];
  let i = 0;
  const invoke = async (payload, state) => {
    calls.push({ state, payload });
    if (payload.action === 'validate_config') return envelope({ status: 'ok', tables: 2 });
    if (payload.action === 'test_connections') return envelope({ status: 'ok' });
    const step = script[Math.min(i++, script.length - 1)];
    if (typeof step === 'function') return step(payload, state);
    if (step.throws) throw lambdaError(step.throws, step.message || 'failed');
    return envelope({ run_id: 'run-1', error: '', counts: { chunks_completed: step.done || 0 }, ...step });
  };
  return { invoke, calls, migrations: () => calls.filter((c) => c.payload.action === 'migrate') };
}

const fast = { resume_wait_seconds: 0 };

test('single: every optional input gets a default and a completed run succeeds', async () => {
  const sf = fakeSf2pg([{ status: 'completed' }]);
  const r = await runWorkflow('single', {}, sf.invoke, { substitutions: { DefaultSourceName: 'analytics' } });
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepStrictEqual(sf.calls.map((c) => c.payload.action), ['validate_config', 'test_connections', 'migrate']);
  assert.deepStrictEqual(sf.migrations()[0].payload, {
    action: 'migrate', source_name: 'analytics', tables_filter: null, no_resume: false,
    allow_deletes: false, resume_max_age: null, resume_run_id: null });
  assert.strictEqual(r.output.run_id, 'run-1');
  assert.strictEqual(r.output.resumes, 0);
});

test('single: the input overrides the per-source default', async () => {
  const sf = fakeSf2pg([{ status: 'completed' }]);
  const r = await runWorkflow('single', { source_name: 'conflict', no_resume: true, tables_filter: ['T1'],
    resume_max_age: 24 }, sf.invoke, { substitutions: { DefaultSourceName: 'analytics' } });
  assert.ok(r.ok);
  const p = sf.migrations()[0].payload;
  assert.strictEqual(p.source_name, 'conflict');
  assert.strictEqual(p.no_resume, true);
  assert.strictEqual(p.allow_deletes, false);
  assert.deepStrictEqual(p.tables_filter, ['T1']);
  assert.strictEqual(p.resume_max_age, 24);
  assert.strictEqual(sf.calls[0].payload.source_name, 'conflict');
});

test('single: partial results and timeouts are resumed on the same run, never with no_resume', async () => {
  const sf = fakeSf2pg([
    { status: 'partial', run_id: 'run-7', done: 2 },
    { throws: 'Sandbox.Timedout', message: 'Task timed out after 900.00 seconds' },
    { throws: 'Lambda.Unknown' },
    { status: 'partial', run_id: 'run-7', done: 5 },
    { throws: 'States.Timeout' },
    { status: 'completed', run_id: 'run-7', done: 9 },
  ]);
  const r = await runWorkflow('single', { no_resume: true, ...fast }, sf.invoke);
  assert.ok(r.ok, JSON.stringify(r));
  const m = sf.migrations();
  assert.strictEqual(m.length, 6);
  assert.strictEqual(m[0].payload.no_resume, true);
  for (const later of m.slice(1)) {
    assert.strictEqual(later.payload.no_resume, false);
    assert.strictEqual(later.payload.resume_run_id, 'run-7');
  }
  assert.strictEqual(r.output.resumes, 5);
  assert.ok(r.events.includes('WaitBeforeResume'));
});

test('single: a timeout before any answer resumes the newest matching run', async () => {
  const sf = fakeSf2pg([{ throws: 'Sandbox.Timedout' }, { status: 'completed', run_id: 'run-2' }]);
  const r = await runWorkflow('single', { no_resume: true, ...fast }, sf.invoke);
  assert.ok(r.ok);
  assert.strictEqual(sf.migrations()[1].payload.no_resume, false);
  assert.strictEqual(sf.migrations()[1].payload.resume_run_id, null);
});

test('single: the default wait between resumes is 5 seconds', async () => {
  const { loadDefinition } = require('./lib/workflow');
  const d = loadDefinition('single');
  assert.strictEqual(d.States.InitializeDefaults.Parameters.defaults.resume_wait_seconds, 5);
  assert.strictEqual(d.States.InitializeDefaults.Parameters.defaults.max_resumes, 100);
});

test('single: at most max_resumes resumes, then a clear failure', async () => {
  let done = 0;
  const sf = fakeSf2pg([() => envelope({ status: 'partial', run_id: 'run-1', error: '',
    counts: { chunks_completed: ++done } })]);
  const r = await runWorkflow('single', { max_resumes: 3, ...fast }, sf.invoke);
  assert.ok(!r.ok);
  assert.strictEqual(r.error, 'Sf2pg.ResumeLimitReached');
  assert.strictEqual(sf.migrations().length, 4); // the first run and 3 resumes
});

test('single: a failed run ends in a Fail state with its cause', async () => {
  const sf = fakeSf2pg([{ status: 'failed', error: 'DB.S.T: column "x" is missing in the target' }]);
  const r = await runWorkflow('single', {}, sf.invoke);
  assert.ok(!r.ok);
  assert.strictEqual(r.error, 'Sf2pg.MigrationFailed');
  assert.match(String(r.cause), /column "x" is missing/);
});

test('single: a function error that is not a timeout fails at once with its type and message', async () => {
  const sf = fakeSf2pg([{ throws: 'Sf2pg.ConfigError', message: 'unknown source nope' }]);
  const r = await runWorkflow('single', {}, sf.invoke);
  assert.ok(!r.ok);
  assert.strictEqual(r.error, 'Sf2pg.ConfigError');
  assert.match(String(r.cause), /unknown source nope/);
  assert.strictEqual(sf.migrations().length, 1);
});

test('single: throttling and transient errors are retried with backoff, not counted as resumes', async () => {
  const sf = fakeSf2pg([{ throws: 'Lambda.TooManyRequestsException' }, { throws: 'Lambda.ServiceException' },
    { throws: 'Sf2pg.RetryableError' }, { status: 'completed' }]);
  const r = await runWorkflow('single', {}, sf.invoke, { retryIntervals: { Migrate: 1 } });
  assert.ok(r.ok, JSON.stringify(r));
  assert.strictEqual(r.output.resumes, 0);
  assert.strictEqual(sf.migrations().length, 4);
});

test('single: a broken configuration or an unreachable database never reaches migrate', async () => {
  for (const [action, type, state] of [['validate_config', 'Sf2pg.ConfigError', 'ConfigurationInvalid'],
    ['test_connections', 'Sf2pg.ConnectionError', 'ConnectionFailed']]) {
    const calls = [];
    const r = await runWorkflow('single', {}, async (payload) => {
      calls.push(payload.action);
      if (payload.action === action) throw lambdaError(type, 'broken');
      return envelope({ status: 'ok' });
    });
    assert.ok(!r.ok);
    assert.strictEqual(r.error, type);
    assert.ok(r.events.includes(state));
    assert.ok(!calls.includes('migrate'));
  }
});

test('single: the input\'s action stops the workflow after validating or after testing', async () => {
  for (const [action, expected] of [['validate_config', ['validate_config']],
    ['test_connections', ['validate_config', 'test_connections']]]) {
    const sf = fakeSf2pg([{ status: 'completed' }]);
    const r = await runWorkflow('single', { action, source_name: 'analytics' }, sf.invoke);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepStrictEqual(sf.calls.map((c) => c.payload.action), expected);
    assert.deepStrictEqual(r.output, { action, status: 'ok' });
    for (const c of sf.calls) assert.strictEqual(c.payload.source_name, 'analytics');
  }
  const sf = fakeSf2pg([{ status: 'completed' }]);
  const r = await runWorkflow('single', { action: 'migrate' }, sf.invoke);
  assert.ok(r.ok);
  assert.strictEqual(sf.migrations().length, 1);
});

test('single and fanout: an unknown action fails at once and invokes nothing', async () => {
  for (const name of ['single', 'fanout']) {
    for (const action of ['validate', 'MIGRATE', 7, null]) {
      const sf = fakeSf2pg([{ status: 'completed' }]);
      const r = await runWorkflow(name, { action }, sf.invoke);
      assert.ok(!r.ok, `${name} ${action}`);
      assert.strictEqual(r.error, 'Sf2pg.UnknownAction');
      assert.match(String(r.cause), /is not one of validate_config, test_connections, migrate/);
      assert.strictEqual(sf.calls.length, 0);
    }
  }
});

test('single and fanout: fields inside a nested "input" object are used, as the function uses them', async () => {
  for (const name of ['single', 'fanout']) {
    const sf = fakeSf2pg([{ status: 'completed' }]);
    const r = await runWorkflow(name, { input: { action: 'test_connections', source_name: 'inner' } }, sf.invoke);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepStrictEqual(sf.calls.map((c) => c.payload.action), ['validate_config', 'test_connections']);
    assert.strictEqual(sf.calls[0].payload.source_name, 'inner');
  }
  // A field at the top level wins over the same field inside, as in the function.
  const sf = fakeSf2pg([{ status: 'completed' }]);
  const r = await runWorkflow('single', { source_name: 'outer', input: { source_name: 'inner',
    tables_filter: ['T1'] } }, sf.invoke);
  assert.ok(r.ok, JSON.stringify(r));
  assert.strictEqual(sf.migrations()[0].payload.source_name, 'outer');
  assert.deepStrictEqual(sf.migrations()[0].payload.tables_filter, ['T1']);
});

test('single: an invocation that crashes every time stops after 3 resumes without progress, with the last error', async () => {
  const sf = fakeSf2pg([{ status: 'partial', run_id: 'run-4', done: 3 },
    { throws: 'Lambda.Unknown', message: 'Runtime exited with error: signal: killed' }]);
  const r = await runWorkflow('single', fast, sf.invoke);
  assert.ok(!r.ok);
  assert.strictEqual(r.error, 'Sf2pg.NoProgress');
  assert.match(String(r.cause), /no chunk completed in 3 invocations in a row/);
  assert.match(String(r.cause), /run-4/);
  assert.match(String(r.cause), /Lambda.Unknown: Runtime exited with error: signal: killed/);
  assert.strictEqual(sf.migrations().length, 4); // one with progress, then 3 without
  for (const m of sf.migrations().slice(1)) assert.strictEqual(m.payload.resume_run_id, 'run-4');
});

test('single: a partial answer without a new completed chunk counts as no progress; the limit is an input', async () => {
  const sf = fakeSf2pg([{ status: 'partial', run_id: 'run-5', done: 4 }]);
  const r = await runWorkflow('single', { max_resumes_without_progress: 5, ...fast }, sf.invoke);
  assert.ok(!r.ok);
  assert.strictEqual(r.error, 'Sf2pg.NoProgress');
  assert.match(String(r.cause), /in 5 invocations in a row/);
  assert.strictEqual(sf.migrations().length, 6);
});

test('single: the pause doubles while nothing progresses, up to 5 minutes, and resets on progress', async () => {
  const sf = fakeSf2pg([{ throws: 'Sandbox.Timedout' }, { throws: 'Sandbox.Timedout' },
    { status: 'partial', run_id: 'run-6', done: 1 }, { throws: 'Sandbox.Timedout' },
    { status: 'completed', run_id: 'run-6', done: 2 }]);
  let r = await runWorkflow('single', { resume_wait_seconds: 7 }, sf.invoke,
    { waitTimes: { WaitBeforeResume: 0 } });
  assert.ok(r.ok, JSON.stringify(r));
  const waits = r.inputs.filter((_, i) => r.events[i] === 'WaitBeforeResume').map((input) => input.loop.wait);
  assert.deepStrictEqual(waits, [14, 28, 7, 14]);
  const slow = fakeSf2pg([{ throws: 'Sandbox.Timedout' }, { throws: 'Sandbox.Timedout' },
    { status: 'completed' }]);
  r = await runWorkflow('single', { resume_wait_seconds: 200 }, slow.invoke, { waitTimes: { WaitBeforeResume: 0 } });
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepStrictEqual(r.inputs.filter((_, i) => r.events[i] === 'WaitBeforeResume').map((x) => x.loop.wait),
    [300, 300]);
});

test('single: a user\'s resume_run_id survives a first invocation that times out before answering', async () => {
  const sf = fakeSf2pg([{ throws: 'Sandbox.Timedout' }, { status: 'completed', run_id: 'run-u' }]);
  const r = await runWorkflow('single', { resume_run_id: 'run-u', ...fast }, sf.invoke);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepStrictEqual(sf.migrations().map((m) => m.payload.resume_run_id), ['run-u', 'run-u']);
});

test('single and fanout: a retryable error that outlasts its retries, or a stopped environment, is resumed, not a failed execution', async () => {
  const stopped = fakeSf2pg([{ throws: 'Sf2pg.Stopped', message: 'stopped by SIGTERM' },
    { status: 'completed', run_id: 'run-s', done: 1 }]);
  const s = await runWorkflow('single', fast, stopped.invoke);
  assert.ok(s.ok, JSON.stringify(s));
  assert.strictEqual(stopped.migrations().length, 2);
  const sf = fakeSf2pg([{ throws: 'Sf2pg.RetryableError', message: 'the database system is in recovery mode' },
    { throws: 'Sf2pg.RetryableError' }, { throws: 'Sf2pg.RetryableError' }, { throws: 'Sf2pg.RetryableError' },
    { status: 'completed', run_id: 'run-8', done: 1 }]);
  const r = await runWorkflow('single', fast, sf.invoke, { retryIntervals: { Migrate: 1 } });
  assert.ok(r.ok, JSON.stringify(r));
  assert.strictEqual(r.output.resumes, 1);
  assert.strictEqual(sf.migrations().length, 5); // 1 + 3 retries, then the resume
  let coordinations = 0;
  const f = await runWorkflow('fanout', { workers: 1, ...fast }, async (payload, state) => {
    if (payload.action !== 'migrate') return envelope({ status: 'ok' });
    if (state === 'Coordinate') {
      coordinations += 1;
      if (coordinations <= 4) throw lambdaError('Sf2pg.RetryableError', 'failover');
      return envelope({ status: coordinations < 6 ? 'partial' : 'completed', run_id: 'run-f', error: '',
        counts: { chunks_completed: coordinations } });
    }
    throw lambdaError('Sf2pg.RetryableError', 'failover');
  }, { retryIntervals: { Coordinate: 1, Work: 1 } });
  assert.ok(f.ok, JSON.stringify(f));
});

test('single and fanout: a migration that starts while another execution is running does nothing and says so', async () => {
  for (const name of ['single', 'fanout']) {
    const sf = fakeSf2pg([{ status: 'completed' }]);
    const r = await runWorkflow(name, {}, sf.invoke, { running: 2 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.strictEqual(r.output.status, 'skipped');
    assert.match(r.output.reason, /another execution of this state machine is running/);
    assert.strictEqual(sf.migrations().length, 0);
    assert.ok(r.events.includes('SkippedOverlap'));
    // Validating or testing never waits for a running migration.
    for (const action of ['validate_config', 'test_connections']) {
      const t = await runWorkflow(name, { action }, fakeSf2pg([]).invoke, { running: 2 });
      assert.ok(t.ok && t.output.status === 'ok', JSON.stringify(t));
      assert.ok(!t.events.includes('CheckOverlap'));
    }
    const alone = fakeSf2pg([{ status: 'completed', done: 1 }]);
    const ok = await runWorkflow(name, {}, alone.invoke, { running: 1 });
    assert.ok(ok.ok && ok.output.status === 'completed', JSON.stringify(ok));
  }
});

test('single and fanout: a number of the workflow\'s own that is missing its type or range fails at once', async () => {
  for (const [name, input, field] of [['single', { max_resumes: '3' }, 'max_resumes'],
    ['single', { max_resumes_without_progress: 0 }, 'max_resumes_without_progress'],
    ['single', { resume_wait_seconds: -5 }, 'resume_wait_seconds'],
    ['single', { resume_wait_seconds: null }, 'resume_wait_seconds'],
    ['fanout', { workers: 0 }, 'workers'], ['fanout', { workers: 101 }, 'workers'],
    ['fanout', { workers: 'many' }, 'workers']]) {
    const sf = fakeSf2pg([{ status: 'completed' }]);
    const r = await runWorkflow(name, input, sf.invoke);
    assert.ok(!r.ok, `${name} ${JSON.stringify(input)}`);
    assert.strictEqual(r.error, 'Sf2pg.InvalidInput');
    assert.match(String(r.cause), new RegExp(`${field} \\d`));
    assert.match(String(r.cause), /nothing was run/);
    assert.strictEqual(sf.calls.length, 0);
  }
});

test('fanout: one planning invocation, then rounds of N workers joining the run until it completes', async () => {
  const calls = [];
  let coordinations = 0;
  const invoke = async (payload, state) => {
    calls.push({ state, payload });
    if (payload.action !== 'migrate') return envelope({ status: 'ok' });
    if (state === 'Coordinate') {
      coordinations += 1;
      const status = coordinations < 3 ? 'partial' : 'completed';
      return envelope({ status, run_id: 'run-9', error: '', counts: { chunks_completed: coordinations * 10 } });
    }
    if (payload.worker === undefined && calls.filter((c) => c.state === 'Work').length % 3 === 0) {
      throw lambdaError('Sandbox.Timedout', 'Task timed out'); // one worker per round is killed
    }
    return envelope({ status: 'partial', run_id: 'run-9', error: '', counts: {} });
  };
  const r = await runWorkflow('fanout', { source_name: 'analytics', tables_filter: ['BIG'], allow_deletes: true,
    ...fast }, invoke);
  assert.ok(r.ok, JSON.stringify(r));
  const coord = calls.filter((c) => c.state === 'Coordinate');
  const work = calls.filter((c) => c.state === 'Work');
  assert.strictEqual(coord.length, 3);
  assert.strictEqual(work.length, 6); // two rounds of FanOutWorkers = 3
  for (const c of coord) assert.strictEqual(c.payload.plan_only, true);
  for (const c of coord) assert.strictEqual(c.payload.allow_deletes, true); // carried to every round
  assert.strictEqual(coord[0].payload.resume_run_id, null);
  assert.strictEqual(coord[1].payload.resume_run_id, 'run-9');
  for (const w of work) {
    assert.deepStrictEqual(w.payload, { action: 'migrate', join_run_id: 'run-9', source_name: 'analytics',
      tables_filter: ['BIG'], allow_deletes: true });
  }
});

test('fanout: before the history limit, the run continues in a fresh execution that skips the overlap guard', async () => {
  let coordinations = 0;
  const started = [];
  const invoke = async (payload, state) => {
    if (payload.action !== 'migrate') return envelope({ status: 'ok' });
    if (state === 'Coordinate') {
      coordinations += 1;
      return envelope({ status: 'partial', run_id: 'run-h', error: '', counts: { chunks_completed: coordinations } });
    }
    return envelope({ status: 'partial', run_id: 'run-h', error: '', counts: {} });
  };
  const r = await runWorkflow('fanout', { workers: 100, tables_filter: ['HUGE'], ...fast }, invoke, { started });
  assert.ok(r.ok, JSON.stringify(r).slice(0, 2000));
  assert.strictEqual(r.output.status, 'continued');
  assert.strictEqual(r.output.run_id, 'run-h');
  // 100 workers: about 1,012 events a round, so 19 rounds stay below 20,000 events.
  const rounds = r.events.filter((e) => e === 'Workers').length;
  assert.ok(rounds >= 15 && rounds <= 20, `${rounds} rounds`);
  assert.strictEqual(started.length, 1);
  const next = started[0].Input;
  assert.strictEqual(started[0].StateMachineArn, 'arn:aws:states:us-east-1:123456789012:stateMachine:sf2pg-migration');
  assert.strictEqual(next.resume_run_id, 'run-h');
  assert.strictEqual(next.workers, 100);
  assert.deepStrictEqual(next.tables_filter, ['HUGE']);
  assert.strictEqual(next.no_resume, false);
  assert.ok(next.continued_from);
  // The continuation runs although the execution that started it is still running.
  const sf = fakeSf2pg([{ status: 'completed', run_id: 'run-h', done: 99 }]);
  const c = await runWorkflow('fanout', next, sf.invoke, { running: 2 });
  assert.ok(c.ok && c.output.status === 'completed', JSON.stringify(c));
  assert.ok(!c.events.includes('CheckOverlap'));
  assert.strictEqual(sf.migrations()[0].payload.resume_run_id, 'run-h');
});

test('fanout: a round that completes no chunk fails instead of looping', async () => {
  const r = await runWorkflow('fanout', { workers: 2, ...fast }, async (payload, state) => {
    if (payload.action !== 'migrate') return envelope({ status: 'ok' });
    return envelope({ status: 'partial', run_id: 'run-3', error: '', counts: { chunks_completed: 4 } });
  });
  assert.ok(!r.ok);
  assert.strictEqual(r.error, 'Sf2pg.NoProgress');
});

test('fanout: a worker failing with a non-timeout error fails the execution', async () => {
  const r = await runWorkflow('fanout', fast, async (payload, state) => {
    if (payload.action !== 'migrate') return envelope({ status: 'ok' });
    if (state === 'Work') throw lambdaError('Sf2pg.PostgresError', 'relation missing');
    return envelope({ status: 'partial', run_id: 'run-3', error: '', counts: { chunks_completed: 0 } });
  });
  assert.ok(!r.ok);
  assert.strictEqual(r.error, 'Sf2pg.PostgresError');
});
