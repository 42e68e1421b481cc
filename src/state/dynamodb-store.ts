import { BatchWriteItemCommand, DynamoDBClient, QueryCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { chunk } from '../util/tags.js';
import type { StateItem, StateStore } from './store.js';

/**
 * DynamoDB table with `pk` (partition) and `sk` (item id) string keys, `data` as a JSON string and
 * `expiresAt` as the TTL attribute. Query per partition, BatchWriteItem in 25s (the API maximum).
 */
export class DynamoDbStateStore implements StateStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async list(partition: string): Promise<StateItem[]> {
    const items: StateItem[] = [];
    let startKey: QueryCommand['input']['ExclusiveStartKey'];
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: partition } },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }));
      for (const it of page.Items ?? []) {
        const id = it.sk?.S;
        const data = it.data?.S;
        if (!id || data === undefined) continue;
        const item: StateItem = { id, data: JSON.parse(data) as Record<string, unknown> };
        if (it.expiresAt?.N) item.expiresAt = Number(it.expiresAt.N);
        items.push(item);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    for (const batch of chunk(requests, 25)) {
      let pending: WriteRequest[] = batch;
      // Unprocessed items are retried with backoff; throttling must not lose state.
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`DynamoDB left ${pending.length} writes unprocessed in table ${this.tableName}`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
        const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = out.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  async putMany(partition: string, items: readonly StateItem[]): Promise<void> {
    await this.batchWrite(items.map((item) => ({
      PutRequest: {
        Item: {
          pk: { S: partition },
          sk: { S: item.id },
          data: { S: JSON.stringify(item.data) },
          ...(item.expiresAt !== undefined ? { expiresAt: { N: String(Math.floor(item.expiresAt)) } } : {}),
        },
      },
    })));
  }

  async deleteMany(partition: string, ids: readonly string[]): Promise<void> {
    await this.batchWrite(ids.map((id) => ({ DeleteRequest: { Key: { pk: { S: partition }, sk: { S: id } } } })));
  }
}
