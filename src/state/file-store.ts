import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StateItem, StateStore } from './store.js';

interface FileShape {
  version: 1;
  partitions: Record<string, Record<string, StateItem>>;
}

/**
 * JSON file store for the CLI. Writes go to a temporary file that is renamed into place, so a
 * crash mid-write never leaves a truncated state file (nothing lost).
 */
export class FileStateStore implements StateStore {
  constructor(private readonly path: string) {}

  private async read(): Promise<FileShape> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, partitions: {} };
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new Error(`state file ${this.path} is not valid JSON (${(err as Error).message}); move it aside to start afresh`);
    }
    const shape = parsed as Partial<FileShape>;
    if (shape?.version !== 1 || typeof shape.partitions !== 'object' || shape.partitions === null) {
      throw new Error(`state file ${this.path} is not a vpc-cni-auditor state file (version 1)`);
    }
    return shape as FileShape;
  }

  private async write(shape: FileShape): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(shape, null, 2)}\n`);
    await rename(tmp, this.path);
  }

  async list(partition: string): Promise<StateItem[]> {
    return Object.values((await this.read()).partitions[partition] ?? {});
  }

  async putMany(partition: string, items: readonly StateItem[]): Promise<void> {
    if (items.length === 0) return;
    const shape = await this.read();
    const p = (shape.partitions[partition] ??= {});
    for (const item of items) p[item.id] = item;
    await this.write(shape);
  }

  async deleteMany(partition: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const shape = await this.read();
    const p = shape.partitions[partition];
    if (!p) return;
    for (const id of ids) delete p[id];
    await this.write(shape);
  }
}
