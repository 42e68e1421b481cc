/**
 * A small partitioned key-value store. Cleanup keeps orphan sightings in it (grace periods) and
 * alerting keeps notification state; a DynamoDB table in Lambda, a JSON file for the CLI.
 */
export interface StateItem {
  id: string;
  data: Record<string, unknown>;
  /** Epoch seconds after which the item may be dropped (DynamoDB TTL). */
  expiresAt?: number;
}

export interface StateStore {
  /** Every item of a partition. */
  list(partition: string): Promise<StateItem[]>;
  putMany(partition: string, items: readonly StateItem[]): Promise<void>;
  deleteMany(partition: string, ids: readonly string[]): Promise<void>;
}

/** For tests and snapshot runs: nothing survives the process. */
export class MemoryStateStore implements StateStore {
  protected readonly partitions = new Map<string, Map<string, StateItem>>();

  async list(partition: string): Promise<StateItem[]> {
    return [...(this.partitions.get(partition)?.values() ?? [])].map((i) => structuredClone(i));
  }

  async putMany(partition: string, items: readonly StateItem[]): Promise<void> {
    let p = this.partitions.get(partition);
    if (!p) this.partitions.set(partition, (p = new Map()));
    for (const item of items) p.set(item.id, structuredClone(item));
  }

  async deleteMany(partition: string, ids: readonly string[]): Promise<void> {
    const p = this.partitions.get(partition);
    for (const id of ids) p?.delete(id);
  }
}
