// Excursion states (one per sensor × storage-condition rule) on the hub table, written under a version condition.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Excursion, ExcursionStore } from '../../push/conditions.js';
import { keys } from '../../storage/table.js';
import { batchGetRows } from './client.js';

export class DynamoExcursionStore implements ExcursionStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  async getExcursions(list: readonly { sensorId: string; rule: string }[]): Promise<Excursion[]> {
    const rows = await batchGetRows(this.doc, this.tableName, list.map((k) => keys.excursion(k.sensorId, k.rule)));
    return list.flatMap((k) => {
      const key = keys.excursion(k.sensorId, k.rule);
      const row = rows.get(`${key.pk}|${key.sk}`);
      if (!row) return [];
      const { pk: _pk, sk: _sk, entity: _entity, ...excursion } = row;
      return [excursion as unknown as Excursion];
    });
  }

  async saveExcursion(next: Excursion): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.excursion(next.sensorId, next.rule), entity: 'excursion', ...next },
        ConditionExpression: next.version > 1 ? 'version = :v' : 'attribute_not_exists(pk)',
        ExpressionAttributeValues: next.version > 1 ? { ':v': next.version - 1 } : undefined,
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
