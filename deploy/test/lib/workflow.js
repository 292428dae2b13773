// Runs sf2pg's Step Functions definitions offline with aws-local-stepfunctions: the Lambda
// tasks are answered by a function (a scripted fake, or the real bootstrap behind the Runtime
// API emulator), shaped like the lambda:invoke integration's result.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { StateMachine } = require('aws-local-stepfunctions');

const DEPLOY = path.resolve(__dirname, '..', '..');
const DEFINITIONS = {
  single: path.join(DEPLOY, 'statemachine', 'migration.asl.json'),
  fanout: path.join(DEPLOY, 'statemachine', 'migration_fanout.asl.json'),
};
const LAMBDA_STATES = ['ValidateConfig', 'TestConnections', 'Migrate', 'Coordinate', 'Work'];

/** The definition text with ${Name} placeholders replaced, as DefinitionSubstitutions do. */
function loadDefinition(name, substitutions = {}) {
  const subs = { FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:sf2pg',
    DefaultSourceName: '', FanOutWorkers: '3', ...substitutions };
  let text = fs.readFileSync(DEFINITIONS[name], 'utf8');
  text = text.replace(/\$\{(\w+)\}/g, (m, key) => {
    if (!(key in subs)) throw new Error(`no substitution for ${m}`);
    return subs[key];
  });
  return JSON.parse(text);
}

/** An Error that Step Functions matches by name, as it matches a Lambda errorType. */
function lambdaError(type, message) {
  const e = new Error(message);
  e.name = type;
  return e;
}

/**
 * Runs a definition. `invoke(payload, stateName)` returns the function's answer (the parsed
 * Payload) or throws lambdaError(type, message). Resolves to {ok, output} or
 * {ok: false, error, cause}; `events` lists the states entered, `inputs` the input each of them
 * was entered with.
 */
async function runWorkflow(name, input, invoke, options = {}) {
  const machine = new StateMachine(loadDefinition(name, options.substitutions),
    { validationOptions: { checkArn: true, checkPaths: true } });
  const handlers = {};
  for (const state of LAMBDA_STATES) {
    handlers[state] = async (taskInput) => {
      if (taskInput.FunctionName !== 'arn:aws:lambda:us-east-1:123456789012:function:sf2pg') {
        throw new Error(`unexpected FunctionName ${taskInput.FunctionName}`);
      }
      const payload = await invoke(taskInput.Payload, state);
      return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
    };
  }
  // CheckOverlap's ListExecutions: `options.running` executions of the state machine are
  // RUNNING, this one included (default 1: this one alone).
  handlers.CheckOverlap = async (taskInput) => {
    if (taskInput.StatusFilter !== 'RUNNING') throw new Error(`unexpected ListExecutions ${JSON.stringify(taskInput)}`);
    const running = options.running === undefined ? 1 : options.running;
    return { Executions: Array.from({ length: running }, (_, i) => ({
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:sf2pg:run-${i}`, status: 'RUNNING' })) };
  };
  // ContinueAsNew's StartExecution: recorded in options.started, if given.
  handlers.ContinueAsNew = async (taskInput) => {
    if (options.started) options.started.push(taskInput);
    return { ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:sf2pg-migration-fanout:next',
      StartDate: new Date().toISOString() };
  };
  const execution = machine.run(input, {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: options.retryIntervals || {},
      waitTimeOverrides: options.waitTimes || {} },
    context: { Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:sf2pg:local' },
      StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:sf2pg-migration' } },
  });
  const events = [];
  const inputs = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') {
        events.push(event.state.name);
        inputs.push(event.state.input);
      }
    }
  })();
  try {
    const output = await execution.result;
    await collecting;
    return { ok: true, output, events, inputs };
  } catch (e) {
    await collecting.catch(() => {});
    const failure = e.cause || e;
    return { ok: false, error: failure.name, cause: failure.cause || failure.message, events, inputs };
  }
}

module.exports = { loadDefinition, lambdaError, runWorkflow, DEFINITIONS };
