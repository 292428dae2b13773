// Offline checks of deploy/template.yaml and the definitions it deploys: YAML syntax with
// CloudFormation tags, references, conditions, substitutions, timeouts and least privilege.
// (cfn-lint and sam validate need PyPI and AWS; these checks are what can be done offline.)
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { loadTemplate, walk } = require('./lib/cfn');

const DEPLOY = path.resolve(__dirname, '..');
const template = loadTemplate(path.join(DEPLOY, 'template.yaml'));
const PSEUDO = ['AWS::AccountId', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackName',
  'AWS::StackId', 'AWS::URLSuffix', 'AWS::NotificationARNs'];
const params = Object.keys(template.Parameters);
const resources = Object.keys(template.Resources);

test('template: a SAM template with parameters, conditions, resources and outputs', () => {
  assert.strictEqual(template.AWSTemplateFormatVersion, '2010-09-09');
  assert.strictEqual(template.Transform, 'AWS::Serverless-2016-10-31');
  for (const [name, p] of Object.entries(template.Parameters)) {
    assert.ok(['String', 'Number', 'CommaDelimitedList'].includes(p.Type), `${name} has type ${p.Type}`);
  }
  for (const key of ['MemorySize', 'Timeout', 'ScheduleExpression', 'SubnetIds', 'SecurityGroupIds',
    'SnowflakeRsaKeySecretArn', 'PostgresPasswordSecretArn', 'FanOutWorkers']) {
    assert.ok(params.includes(key), `parameter ${key}`);
  }
});

test('template: every Ref, GetAtt, Sub variable and condition exists', () => {
  const conditions = Object.keys(template.Conditions);
  walk(template, (node) => {
    if ('Ref' in node && Object.keys(node).length === 1) {
      assert.ok(params.includes(node.Ref) || resources.includes(node.Ref) || PSEUDO.includes(node.Ref),
        `Ref ${node.Ref}`);
    }
    if (node['Fn::GetAtt']) assert.ok(resources.includes(node['Fn::GetAtt'][0]), `GetAtt ${node['Fn::GetAtt']}`);
    if (node['Fn::Sub']) {
      const text = Array.isArray(node['Fn::Sub']) ? node['Fn::Sub'][0] : node['Fn::Sub'];
      const local = Array.isArray(node['Fn::Sub']) ? Object.keys(node['Fn::Sub'][1]) : [];
      for (const [, v] of text.matchAll(/\$\{([^}!]+)\}/g)) {
        const base = v.split('.')[0];
        assert.ok(params.includes(v) || resources.includes(base) || PSEUDO.includes(v) || local.includes(v),
          `Sub \${${v}}`);
      }
    }
    if (node['Fn::If']) assert.ok(conditions.includes(node['Fn::If'][0]), `If ${node['Fn::If'][0]}`);
    if ('Condition' in node && typeof node.Condition === 'string' && Object.keys(node).length === 1) {
      assert.ok(conditions.includes(node.Condition), `Condition ${node.Condition}`);
    }
  });
  for (const r of Object.values(template.Resources)) {
    if (r.Condition) assert.ok(conditions.includes(r.Condition));
    for (const d of [].concat(r.DependsOn || [])) assert.ok(resources.includes(d), `DependsOn ${d}`);
  }
});

test('template: the function is a provided.al2023 custom runtime built by package.sh', () => {
  const fn = template.Resources.MigrationFunction;
  assert.strictEqual(fn.Type, 'AWS::Serverless::Function');
  assert.strictEqual(fn.Properties.Runtime, 'provided.al2023');
  assert.strictEqual(fn.Properties.CodeUri, 'dist/sf2pg-lambda.zip');
  assert.ok(fs.readFileSync(path.join(DEPLOY, 'package.sh'), 'utf8').includes('dist/sf2pg-lambda.zip'));
  assert.strictEqual(template.Parameters.Timeout.MaxValue, 900);
  const env = fn.Properties.Environment.Variables;
  assert.strictEqual(env.SF2PG_CA_BUNDLE, '/etc/pki/tls/certs/ca-bundle.crt');
  for (const v of ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER', 'POSTGRES_HOST', 'POSTGRES_USER',
    'SNOWFLAKE_RSA_KEY_SECRET_ARN', 'POSTGRES_PASSWORD_SECRET_ARN']) {
    assert.ok(v in env, v);
  }
});

test('template: every state machine definition exists and gets exactly its placeholders', () => {
  const machines = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Serverless::StateMachine');
  assert.strictEqual(machines.length, 2);
  for (const m of machines) {
    const text = fs.readFileSync(path.join(DEPLOY, m.Properties.DefinitionUri), 'utf8');
    const used = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((x) => x[1]));
    const given = new Set(Object.keys(m.Properties.DefinitionSubstitutions));
    for (const u of used) assert.ok(given.has(u), `${m.Properties.DefinitionUri} needs ${u}`);
    const def = JSON.parse(text);
    // The Lambda's own timeout (at most 900 s) must fire before any Task timeout.
    walk(def, (node) => {
      if (node.Type === 'Task') assert.ok(node.TimeoutSeconds > 0, 'every Task has a timeout');
      if (node.Type === 'Task' && node.Resource === 'arn:aws:states:::lambda:invoke') {
        assert.ok(node.TimeoutSeconds > template.Parameters.Timeout.MaxValue || node.TimeoutSeconds >= 300);
      }
      if (node.Type === 'Task' && node.Parameters && node.Parameters.Payload && node.Parameters.Payload.action === 'migrate') {
        assert.ok(node.TimeoutSeconds > template.Parameters.Timeout.MaxValue, 'migrate task timeout above 900 s');
      }
    });
  }
});

test('template: least privilege: no wildcard action, wildcard resources only where AWS requires them', () => {
  const allowedOnStar = /^(ec2:(Create|Describe|Delete|Assign|Unassign)\w+|logs:(\w+LogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;
  let statements = 0;
  walk(template, (node) => {
    if (!node.Effect || !node.Action) return;
    statements += 1;
    const actions = [].concat(node.Action);
    for (const a of actions) assert.ok(!a.includes('*'), `wildcard action ${a}`);
    if (node.Resource === '*') {
      for (const a of actions) assert.match(a, allowedOnStar, `${a} on *`);
    }
  });
  assert.ok(statements >= 6);
  const fnPolicies = JSON.stringify(template.Resources.FunctionRole.Properties.Policies);
  assert.ok(fnPolicies.includes('secretsmanager:GetSecretValue'));
  assert.ok(!fnPolicies.includes('lambda:'));
  const smPolicies = JSON.stringify(template.Resources.StateMachineRole.Properties.Policies);
  assert.ok(smPolicies.includes('lambda:InvokeFunction'));
  assert.ok(!smPolicies.includes('secretsmanager'));
});

test('definitions: asl-validator accepts every definition in deploy/statemachine', async () => {
  const { default: aslValidator } = await import('asl-validator');
  const dir = path.join(DEPLOY, 'statemachine');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.asl.json'));
  assert.ok(files.length >= 2);
  for (const f of files) {
    const { isValid, errors } = aslValidator(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    assert.ok(isValid, `${f}: ${JSON.stringify(errors)}`);
  }
});

// CloudFormation's rule functions, as the Rules section may use them, over parameter values (a
// CommaDelimitedList is a list; its empty default is the one empty string).
function evaluateRule(node, values) {
  if (typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) return node.map((n) => evaluateRule(n, values));
  const [[fn, arg]] = Object.entries(node);
  const args = () => arg.map((a) => evaluateRule(a, values));
  switch (fn) {
    case 'Ref': {
      const p = template.Parameters[arg];
      assert.ok(p, `Ref ${arg} in a rule names no parameter`);
      const v = arg in values ? values[arg] : p.Default;
      return p.Type === 'CommaDelimitedList' ? String(v ?? '').split(',') : v;
    }
    case 'Fn::Not': return !evaluateRule(arg[0], values);
    case 'Fn::And': return args().every(Boolean);
    case 'Fn::Or': return args().some(Boolean);
    case 'Fn::Equals': { const [a, b] = args(); return String(a) === String(b); }
    case 'Fn::EachMemberEquals': { const [list, v] = args(); return list.every((m) => m === v); }
    default: throw new Error(`${fn} is not a rule function CloudFormation accepts`);
  }
}

/** The AssertDescription of every rule that fails for these parameter values. */
function failedRules(values) {
  const failed = [];
  for (const [name, rule] of Object.entries(template.Rules)) {
    if (rule.RuleCondition !== undefined && !evaluateRule(rule.RuleCondition, values)) continue;
    for (const a of rule.Assertions) {
      if (!evaluateRule(a.Assert, values)) failed.push(`${name}: ${a.AssertDescription}`);
    }
  }
  return failed;
}

test('template: rules refuse a secret without the extension layer and a VPC half given', () => {
  const required = { SnowflakeAccount: 'a', SnowflakeUser: 'u', PostgresHost: 'h', PostgresUser: 'p' };
  assert.deepStrictEqual(failedRules(required), []);
  const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sf2pg-key-AbCdEf';
  for (const key of ['SnowflakeRsaKeySecretArn', 'PostgresPasswordSecretArn']) {
    const failed = failedRules({ ...required, [key]: secret });
    assert.strictEqual(failed.length, 1, key);
    assert.match(failed[0], /^SecretsNeedTheExtensionLayer: A secret ARN is given but ParametersSecretsExtensionLayerArn is empty/);
    assert.deepStrictEqual(failedRules({ ...required, [key]: secret,
      ParametersSecretsExtensionLayerArn: 'arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12' }), []);
  }
  let failed = failedRules({ ...required, SubnetIds: 'subnet-1,subnet-2' });
  assert.deepStrictEqual(failed.map((f) => f.split(':')[0]), ['SubnetsNeedSecurityGroups']);
  failed = failedRules({ ...required, SnowflakeRsaKey: '-----BEGIN PRIVATE KEY-----', SnowflakeRsaKeySecretArn: secret,
    ParametersSecretsExtensionLayerArn: 'arn:aws:lambda:eu-west-1:1:layer:x:1' });
  assert.deepStrictEqual(failed.map((f) => f.split(':')[0]), ['OneSourceForTheKey']);
  failed = failedRules({ ...required, PostgresPassword: 'pw', PostgresPasswordSecretArn: secret,
    ParametersSecretsExtensionLayerArn: 'arn:aws:lambda:eu-west-1:1:layer:x:1' });
  assert.deepStrictEqual(failed.map((f) => f.split(':')[0]), ['OneSourceForThePassword']);
  assert.deepStrictEqual(failedRules({ ...required, SnowflakeRsaKey: 'k', PostgresPassword: 'pw' }), []);
  failed = failedRules({ ...required, SecurityGroupIds: 'sg-1' });
  assert.deepStrictEqual(failed.map((f) => f.split(':')[0]), ['SecurityGroupsNeedSubnets']);
  assert.deepStrictEqual(failedRules({ ...required, SubnetIds: 'subnet-1', SecurityGroupIds: 'sg-1' }), []);
});

test('template: failed, timed-out and aborted executions and the alarms notify one SNS topic', () => {
  const r = template.Resources;
  const rule = r.ExecutionEndedBadlyRule.Properties;
  assert.deepStrictEqual(rule.EventPattern.source, ['aws.states']);
  assert.deepStrictEqual([...rule.EventPattern.detail.status].sort(), ['ABORTED', 'FAILED', 'TIMED_OUT']);
  assert.deepStrictEqual(rule.EventPattern.detail.stateMachineArn,
    [{ Ref: 'MigrationStateMachine' }, { Ref: 'FanOutStateMachine' }]);
  assert.deepStrictEqual(rule.Targets.map((t) => t.Arn), [{ Ref: 'AlarmTopic' }]);
  // Only this rule (and CloudWatch alarms of this account) may publish to the topic.
  const statements = r.AlarmTopicPolicy.Properties.PolicyDocument.Statement;
  const events = statements.find((st) => st.Principal.Service === 'events.amazonaws.com');
  assert.deepStrictEqual(events.Condition, { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['ExecutionEndedBadlyRule', 'Arn'] } } });
  for (const st of statements) {
    assert.strictEqual(st.Action, 'sns:Publish');
    assert.deepStrictEqual(st.Resource, { Ref: 'AlarmTopic' });
  }
  const alarms = Object.entries(r).filter(([, v]) => v.Type === 'AWS::CloudWatch::Alarm');
  const watched = alarms.map(([, a]) => `${a.Properties.Namespace} ${a.Properties.MetricName} ` +
    `${a.Properties.Dimensions[0].Value.Ref}`).sort();
  assert.deepStrictEqual(watched, ['AWS/Lambda Errors MigrationFunction', 'AWS/Lambda Throttles MigrationFunction',
    'AWS/States ExecutionsFailed FanOutStateMachine', 'AWS/States ExecutionsFailed MigrationStateMachine']);
  for (const [name, a] of alarms) {
    assert.deepStrictEqual(a.Properties.AlarmActions, [{ Ref: 'AlarmTopic' }], name);
    assert.strictEqual(a.Properties.TreatMissingData, 'notBreaching', name);
  }
  // The e-mail subscription exists only when an address is given.
  assert.deepStrictEqual(r.AlarmTopic.Properties.Subscription['Fn::If'][0], 'HasAlarmEmail');
});

test('template: the key and the password may come as NoEcho parameters, never shown', () => {
  for (const name of ['SnowflakeRsaKey', 'PostgresPassword']) {
    assert.strictEqual(template.Parameters[name].NoEcho, true, name);
    assert.strictEqual(template.Parameters[name].Default, '', name);
  }
  const env = template.Resources.MigrationFunction.Properties.Environment.Variables;
  assert.deepStrictEqual(env.SNOWFLAKE_RSA_KEY, { 'Fn::If': ['HasSnowflakeKey', { Ref: 'SnowflakeRsaKey' }, { Ref: 'AWS::NoValue' }] });
  assert.deepStrictEqual(env.POSTGRES_PASSWORD, { 'Fn::If': ['HasPostgresPassword', { Ref: 'PostgresPassword' }, { Ref: 'AWS::NoValue' }] });
  assert.deepStrictEqual(env.MIGRATION_VERSION, { 'Fn::If': ['HasMigrationVersion', { Ref: 'MigrationVersion' }, { Ref: 'AWS::NoValue' }] });
  // No output names them.
  const outputs = JSON.stringify(template.Outputs);
  assert.ok(!outputs.includes('SnowflakeRsaKey') && !outputs.includes('PostgresPassword'));
});

test('template: the optional dashboard is valid JSON once substituted and shows the sf2pg metrics', () => {
  const d = template.Resources.Dashboard;
  assert.strictEqual(d.Condition, 'WantsDashboard');
  const [text, vars] = d.Properties.DashboardBody['Fn::Sub'];
  const values = { 'AWS::Region': 'eu-west-1', FunctionName: 'sf2pg', MigrationArn: 'arn:m', FanOutArn: 'arn:f' };
  for (const v of Object.keys(vars)) assert.ok(v in values, v);
  const body = JSON.parse(text.replace(/\$\{([^}]+)\}/g, (m, k) => {
    assert.ok(k in values, `unknown \${${k}}`);
    return values[k];
  }));
  const shown = JSON.stringify(body.widgets.map((w) => w.properties.metrics));
  for (const metric of ['Rows', 'RowsPerSecond', 'ChunksCompleted', 'ChunksFailed', 'Retries', 'Errors', 'Throttles',
    'ExecutionsFailed']) {
    assert.ok(shown.includes(metric), metric);
  }
});
