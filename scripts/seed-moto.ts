// Prepares a local moto server for `osls invoke local --stage local` (docs/deploy.md):
//   .venv/bin/moto_server -p 5000 &            # installed by the first `npm test`
//   npx tsx scripts/seed-moto.ts http://127.0.0.1:5000
// Creates what the stack would (the state table, the re-check schedule group, both named for stage
// "local") and the test estate: cluster "alpha" with a terminated node, deleted cluster "beta".
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { clientConfig } from '../test/harness/moto.js';
import { AwsSeeder, seedEstate } from '../test/fixtures/seed-aws.js';

const endpoint = process.argv[2] ?? process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5000';
const cfg = clientConfig(endpoint);

await new DynamoDBClient(cfg).send(new CreateTableCommand({
  TableName: 'vpc-cni-auditor-local-state', BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
}));
await new SchedulerClient(cfg).send(new CreateScheduleGroupCommand({ Name: 'vpc-cni-auditor-local-rechecks' }));
const estate = await seedEstate(new AwsSeeder(new EC2Client(cfg), new EKSClient(cfg)));
console.log(JSON.stringify({ endpoint, terminatedInstance: estate.instances.dead, betaOrphans: estate.betaOrphans, alphaOrphans: [...estate.branchOrphans, estate.cniOrphan] }, null, 2));
