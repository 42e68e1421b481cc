// `osls package` offline (no credentials, no network), then assertions on the CloudFormation it
// generates: triggers, IAM, environment, memory, timeout, log retention, alarms.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runOsls, serviceCopy, type OslsResult } from '../fixtures/osls.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Statement { Sid?: string; Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: unknown; Condition?: Json }

const FUNCTIONS = {
  sweep: { logical: 'Sweep', memory: 512, timeout: 300 },
  onEksDeletion: { logical: 'OnEksDeletion', memory: 512, timeout: 300 },
  onInstanceTerminated: { logical: 'OnInstanceTerminated', memory: 256, timeout: 60 },
  cleanup: { logical: 'Cleanup', memory: 512, timeout: 900 },
} as const;
type FunctionName = keyof typeof FUNCTIONS;
const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** Read-only calls EC2 and EKS cannot scope by resource: the only actions allowed on Resource '*'. */
// iam:ListAttachedRolePolicies: the sweep reads each cluster role's managed policies (Security Groups for Pods).
const READ_ONLY = /^(ec2:Describe[A-Za-z]+|eks:(Describe|List)[A-Za-z]+|iam:ListAttachedRolePolicies)$/;

let copy: Awaited<ReturnType<typeof serviceCopy>>;
let pkg: OslsResult;
let t: Json;
let sizes: Record<string, number>;

beforeAll(async () => {
  copy = await serviceCopy();
  pkg = await runOsls(copy.dir, ['package', '--stage', 'ci', '--region', 'us-east-1'], { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' });
  if (pkg.code !== 0) throw new Error(`osls package failed (exit ${pkg.code}):\n${pkg.stdout}\n${pkg.stderr}`);
  t = JSON.parse(await readFile(path.join(copy.dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8')) as Json;
  sizes = {};
  for (const n of NAMES) sizes[n] = (await stat(path.join(copy.dir, '.serverless', `${n}.zip`))).size;
  // Figures for the record (package time and zip sizes depend on the machine).
  console.info(`osls package: ${pkg.ms} ms; zips: ${NAMES.map((n) => `${n} ${(sizes[n]! / 1e6).toFixed(2)} MB`).join(', ')}`);
}, 300_000);
afterAll(async () => {
  await copy?.remove();
});

const resources = (type: string): Array<[string, Json]> => Object.entries(t.Resources as Json).filter(([, r]) => r.Type === type) as Array<[string, Json]>;
const fn = (n: FunctionName): Json => t.Resources[`${FUNCTIONS[n].logical}LambdaFunction`];
const targetsOf = (rule: Json): string[] => (rule.Properties.Targets as Json[]).map((x) => x.Arn['Fn::GetAtt'][0] as string);
const rulesFor = (n: FunctionName) => resources('AWS::Events::Rule').filter(([, r]) => targetsOf(r).includes(`${FUNCTIONS[n].logical}LambdaFunction`)).map(([, r]) => r);
const actions = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** Statements of a document, with both branches of any Fn::If (a conditional statement must be safe either way). */
function statements(doc: Json): Statement[] {
  const out: Statement[] = [];
  for (const s of doc.Statement as Json[]) {
    if (s['Fn::If']) for (const branch of (s['Fn::If'] as Json[]).slice(1)) { if (!branch.Ref) out.push(branch as Statement); }
    else out.push(s as Statement);
  }
  return out;
}
/** Every statement granted to a role: its inline policies and any AWS::IAM::Policy attached to it, with that policy's condition. */
function grants(role: string): Array<{ policy: string; condition?: string; s: Statement }> {
  const out: Array<{ policy: string; condition?: string; s: Statement }> = [];
  for (const p of t.Resources[role].Properties.Policies as Json[]) for (const s of statements(p.PolicyDocument)) out.push({ policy: `${role}/${p.PolicyName}`, s });
  for (const [id, p] of resources('AWS::IAM::Policy')) {
    if ((p.Properties.Roles as Json[]).some((r) => r.Ref === role)) for (const s of statements(p.Properties.PolicyDocument)) out.push({ policy: id, ...(p.Condition ? { condition: p.Condition } : {}), s });
  }
  return out;
}
/** Evaluates the template's literal-only conditions (Fn::Equals / Fn::Not). */
function condition(name: string): boolean {
  const ev = (c: Json): boolean => {
    if (c['Fn::Equals']) return c['Fn::Equals'][0] === c['Fn::Equals'][1];
    if (c['Fn::Not']) return !ev(c['Fn::Not'][0]);
    throw new Error(`cannot evaluate ${JSON.stringify(c)}`);
  };
  return ev(t.Conditions[name]);
}

describe('osls package (offline)', () => {
  test('one zip per function, holding only its bundled handler and source map', () => {
    for (const n of NAMES) {
      expect(sizes[n]).toBeGreaterThan(100_000);
      expect(sizes[n]).toBeLessThan(15_000_000);
      expect(fn(n).Properties.Code.S3Key).toMatch(new RegExp(`/${n}\\.zip$`));
    }
  });

  test('every function: nodejs22.x on arm64, its handler, memory and timeout', () => {
    for (const n of NAMES) {
      expect(fn(n).Properties).toMatchObject({
        Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: `functions/${n}.handler`,
        FunctionName: `vpc-cni-auditor-ci-${n}`, MemorySize: FUNCTIONS[n].memory, Timeout: FUNCTIONS[n].timeout,
      });
    }
  });

  test('every function logs to its own log group, kept 30 days', () => {
    for (const n of NAMES) {
      expect(t.Resources[`${FUNCTIONS[n].logical}LogGroup`].Properties).toEqual({ LogGroupName: `/aws/lambda/vpc-cni-auditor-ci-${n}`, RetentionInDays: 30 });
    }
  });
});

describe('environment', () => {
  test('every function: the state table, the cleanup mode (dry run by default), Powertools', () => {
    for (const n of NAMES) {
      expect(fn(n).Properties.Environment.Variables).toMatchObject({
        STATE_TABLE: 'vpc-cni-auditor-ci-state', CLEANUP_MODE: 'dry-run',
        POWERTOOLS_SERVICE_NAME: 'vpc-cni-auditor', NODE_OPTIONS: '--enable-source-maps',
      });
    }
    expect(t.Resources.StateTable.Properties.TableName).toBe('vpc-cni-auditor-ci-state');
  });

  test('the sweep gets the alert channels; nothing else does', () => {
    expect(fn('sweep').Properties.Environment.Variables).toMatchObject({
      ALERT_SNS_TOPIC_ARN: { Ref: 'AlertTopic' }, ALERT_EVENT_BUS_NAME: '', SLACK_WEBHOOK_PARAMETER: '',
    });
    for (const n of NAMES.filter((x) => x !== 'sweep')) expect(Object.keys(fn(n).Properties.Environment.Variables).filter((k) => /ALERT|SLACK/.test(k))).toEqual([]);
  });

  test('onEksDeletion knows where to schedule its re-checks', () => {
    expect(fn('onEksDeletion').Properties.Environment.Variables).toMatchObject({
      RECHECK_SCHEDULE_GROUP: 'vpc-cni-auditor-ci-rechecks', RECHECK_ROLE_ARN: { 'Fn::GetAtt': ['RecheckSchedulerRole', 'Arn'] },
      RECHECK_INTERVAL: '2m', RECHECK_MAX_ATTEMPTS: '30',
      // Deployed, the handler schedules itself by the ARN Lambda passes in its context.
      RECHECK_FUNCTION_ARN: '',
    });
    expect(t.Resources.RecheckScheduleGroup.Properties.Name).toBe('vpc-cni-auditor-ci-rechecks');
  });
});

describe('triggers', () => {
  test('sweep: every 15 minutes', () => {
    const rules = rulesFor('sweep');
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
  });

  test('onEksDeletion: successful DeleteCluster and DeleteNodegroup calls, via CloudTrail', () => {
    const rules = rulesFor('onEksDeletion');
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.EventPattern).toEqual({
      source: ['aws.eks'], 'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['eks.amazonaws.com'], eventName: ['DeleteCluster', 'DeleteNodegroup'], errorCode: [{ exists: false }] },
    });
  });

  test('onInstanceTerminated: EC2 instances reaching terminated', () => {
    const rules = rulesFor('onInstanceTerminated');
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.EventPattern).toEqual({ source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } });
  });

  test('cleanup: no trigger at all (manual invoke only)', () => {
    expect(rulesFor('cleanup')).toEqual([]);
    expect(resources('AWS::Lambda::Permission').filter(([, p]) => p.Properties.FunctionName['Fn::GetAtt']?.[0] === 'CleanupLambdaFunction')).toEqual([]);
  });

  test('each rule may invoke its function, and only EventBridge may', () => {
    for (const n of ['sweep', 'onEksDeletion', 'onInstanceTerminated'] as const) {
      const perms = resources('AWS::Lambda::Permission').filter(([, p]) => p.Properties.FunctionName['Fn::GetAtt']?.[0] === `${FUNCTIONS[n].logical}LambdaFunction`);
      expect(perms).toHaveLength(1);
      expect(perms[0]![1].Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' });
    }
  });
});

describe('least privilege', () => {
  const roleOf = (n: FunctionName): string => fn(n).Properties.Role['Fn::GetAtt'][0];

  test('one role per function, used by no other function', () => {
    const roles = NAMES.map(roleOf);
    expect(new Set(roles).size).toBe(NAMES.length);
    expect(t.Resources.IamRoleLambdaExecution).toBeUndefined();
    for (const r of roles) expect(t.Resources[r].Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
  });

  test('no wildcard actions; Resource "*" only for read-only Describe/List calls', () => {
    const all = [...NAMES.map(roleOf), 'RecheckSchedulerRole'].flatMap((r) => grants(r));
    expect(all.length).toBeGreaterThan(10);
    for (const { policy, s } of all) {
      for (const a of actions(s)) expect(`${policy}: ${a}`).not.toMatch(/\*/);
      if (s.Effect === 'Allow' && resourcesOf(s).includes('*')) {
        for (const a of actions(s)) expect(`${policy}: ${a}`).toMatch(new RegExp(`: ${READ_ONLY.source.slice(1)}`));
      }
    }
  });

  test('every write names its resource: logs, state table, topic, schedule group, scheduler role', () => {
    const expected: Record<string, unknown> = {
      'dynamodb:Query': { 'Fn::GetAtt': ['StateTable', 'Arn'] },
      'dynamodb:BatchWriteItem': { 'Fn::GetAtt': ['StateTable', 'Arn'] },
      'sns:Publish': { Ref: 'AlertTopic' },
      'scheduler:CreateSchedule': { 'Fn::Sub': 'arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/vpc-cni-auditor-ci-rechecks/*' },
      'iam:PassRole': { 'Fn::GetAtt': ['RecheckSchedulerRole', 'Arn'] },
    };
    for (const n of NAMES) {
      for (const { s } of grants(roleOf(n))) {
        for (const a of actions(s)) {
          if (a in expected) expect(s.Resource).toEqual(expected[a]);
          if (a.startsWith('logs:')) expect(s.Resource).toEqual({ 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/vpc-cni-auditor-ci-${n}:*` });
        }
      }
    }
    const passRole = grants('OnEksDeletionRole').find(({ s }) => actions(s).includes('iam:PassRole'));
    expect(passRole?.s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
  });

  test('what each function may do beyond reading', () => {
    const writes = (n: FunctionName) => [...new Set(grants(roleOf(n)).filter(({ s }) => s.Effect === 'Allow' && !resourcesOf(s).includes('*')).flatMap(({ s }) => actions(s)))].sort();
    expect(writes('sweep')).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:Query', 'ec2:DeleteNetworkInterface', 'events:PutEvents', 'logs:CreateLogStream', 'logs:PutLogEvents', 'sns:Publish', 'ssm:GetParameter']);
    expect(writes('onEksDeletion')).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:Query', 'ec2:DeleteNetworkInterface', 'iam:PassRole', 'logs:CreateLogStream', 'logs:PutLogEvents', 'scheduler:CreateSchedule']);
    expect(writes('onInstanceTerminated')).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:Query', 'ec2:DeleteNetworkInterface', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(writes('cleanup')).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:Query', 'ec2:DeleteNetworkInterface', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    // Optional alert channels are granted only when configured.
    expect(condition('HasAlertEventBus')).toBe(false);
    expect(condition('HasSlackWebhookParameter')).toBe(false);
  });

  test('ec2:DeleteNetworkInterface only on ENIs whose tags prove an EKS owner; opted-out ENIs are denied', () => {
    const eni = { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*' };
    for (const n of NAMES) {
      const del = grants(roleOf(n)).filter(({ s }) => actions(s).includes('ec2:DeleteNetworkInterface'));
      // Never in a role's own policy: only in the two delete policies, which share one document.
      expect(del.every(({ policy }) => policy === 'ManualEniDeletePolicy' || policy === 'AutoEniDeletePolicy')).toBe(true);
      const allows = del.filter(({ s }) => s.Effect === 'Allow').map(({ s }) => s);
      expect(allows).toHaveLength(2);
      for (const s of allows) {
        expect(actions(s)).toEqual(['ec2:DeleteNetworkInterface']);
        expect(s.Resource).toEqual(eni);
        expect(JSON.stringify(s.Condition)).toMatch(/aws:ResourceTag\//);
      }
      expect(allows[0]!.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/eks:eni:owner': ['eks-vpc-resource-controller', 'amazon-vpc-cni'] } });
      // CNI ENIs without an owner tag: the CNI's instance-id tag present AND no owner tag at all.
      expect(allows[1]!.Condition).toEqual({ Null: { 'aws:ResourceTag/node.k8s.amazonaws.com/instance_id': 'false', 'aws:ResourceTag/eks:eni:owner': 'true' } });
      const denies = del.filter(({ s }) => s.Effect === 'Deny').map(({ s }) => s.Condition);
      expect(denies).toEqual([
        { StringEqualsIgnoreCase: { 'aws:ResourceTag/vpc-cni-auditor/ignore': 'true' } },
        { StringEqualsIgnoreCase: { 'aws:ResourceTag/node.k8s.amazonaws.com/no_manage': 'true' } },
      ]);
    }
    expect(t.Resources.AutoEniDeletePolicy.Properties.PolicyDocument).toEqual(t.Resources.ManualEniDeletePolicy.Properties.PolicyDocument);
  });

  test('in a dry-run deployment only the manual cleanup can delete; the automatic functions cannot', () => {
    expect(t.Resources.ManualEniDeletePolicy.Properties.Roles).toEqual([{ Ref: 'CleanupRole' }]);
    expect(t.Resources.ManualEniDeletePolicy.Condition).toBeUndefined();
    expect(t.Resources.AutoEniDeletePolicy.Condition).toBe('CleanupExecute');
    expect(t.Resources.AutoEniDeletePolicy.Properties.Roles).toEqual([{ Ref: 'SweepRole' }, { Ref: 'OnEksDeletionRole' }, { Ref: 'OnInstanceTerminatedRole' }]);
    expect(condition('CleanupExecute')).toBe(false);
  });

  test('EventBridge Scheduler may invoke onEksDeletion, nothing else, and only for this account\'s re-check schedules', () => {
    const role = t.Resources.RecheckSchedulerRole.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/vpc-cni-auditor-ci-rechecks/*' } },
      },
    }]);
    expect(grants('RecheckSchedulerRole').map(({ s }) => [s.Effect, s.Action, s.Resource])).toEqual([[
      'Allow', 'lambda:InvokeFunction', [
        { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:vpc-cni-auditor-ci-onEksDeletion' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:vpc-cni-auditor-ci-onEksDeletion:*' },
      ],
    ]]);
  });
});

describe('state, topic, alarms', () => {
  test('the state table: on demand, pk/sk strings, TTL on expiresAt', () => {
    expect(t.Resources.StateTable.Properties).toEqual({
      TableName: 'vpc-cni-auditor-ci-state', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  test('an alarm on every function\'s errors, notifying the alert topic', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms.map((a) => a.Dimensions[0].Value.Ref).sort()).toEqual(NAMES.map((n) => `${FUNCTIONS[n].logical}LambdaFunction`).sort());
    for (const a of alarms) {
      expect(a).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: 'AlertTopic' }] });
    }
    expect(t.Resources.AlertTopic.Type).toBe('AWS::SNS::Topic');
  });
});

describe('settings are parameters', () => {
  test('schedule, execution mode and optional channels change through --param', async () => {
    const printed = await runOsls(copy.dir, [
      'print', '--stage', 'ci', '--format', 'json',
      '--param=sweepSchedule=rate(30 minutes)', '--param=cleanupMode=execute', '--param=slackWebhookParameter=/vca/slack-webhook', '--param=alertEventBusName=default',
    ]);
    expect(printed.code).toBe(0);
    const cfg = JSON.parse(printed.stdout.slice(printed.stdout.indexOf('{'))) as Json;
    expect(cfg.functions.sweep.events[0].schedule.rate).toEqual(['rate(30 minutes)']);
    expect(cfg.provider.environment.CLEANUP_MODE).toBe('execute');
    expect(cfg.resources.Conditions.CleanupExecute).toEqual({ 'Fn::Equals': ['execute', 'execute'] });
    expect(cfg.functions.sweep.environment).toMatchObject({ SLACK_WEBHOOK_PARAMETER: '/vca/slack-webhook', ALERT_EVENT_BUS_NAME: 'default' });
    const sweepStatements = cfg.resources.Resources.SweepRole.Properties.Policies[0].PolicyDocument.Statement as Json[];
    const slack = sweepStatements.find((s) => s['Fn::If']?.[0] === 'HasSlackWebhookParameter')!['Fn::If'][1];
    expect(slack.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/vca/slack-webhook' });
  }, 120_000);
});
