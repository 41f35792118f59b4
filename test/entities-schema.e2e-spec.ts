// The few tables read through TypeORM's repositories have entity classes; the schema itself is the
// reviewed SQL of migrations/. So that a class never claims what the schema does not have, every
// mapped column must exist in the migrated database with the same type and nullability.
import { createTestApp, TestApp } from './support/test-app';

describe('the entity classes against the migrated schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('map only columns the schema has, with their types and nullability', async () => {
    const drift: string[] = [];
    const metadatas = t.dataSource.entityMetadatas;
    expect(metadatas.length).toBeGreaterThan(5);
    for (const entity of metadatas) {
      const columns: Array<{ column_name: string; data_type: string; udt_name: string; is_nullable: string }> = await t.dataSource.query(
        `SELECT column_name, data_type, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [entity.tableName],
      );
      if (columns.length === 0) drift.push(`${entity.tableName}: no such table`);
      const byName = new Map(columns.map((c) => [c.column_name, c]));
      for (const column of entity.columns) {
        const found = byName.get(column.databaseName);
        if (!found) {
          drift.push(`${entity.tableName}.${column.databaseName}: no such column`);
          continue;
        }
        const declared = t.dataSource.driver.normalizeType(column);
        const actual = found.data_type === 'ARRAY' ? found.udt_name.replace(/^_/, '') : found.data_type;
        // An array column: the element type on both sides (information_schema says ARRAY, udt_name _text).
        if (declared !== actual || column.isArray !== (found.data_type === 'ARRAY')) {
          drift.push(
            `${entity.tableName}.${column.databaseName}: ${declared}${column.isArray ? '[]' : ''} in the class, ` +
              `${actual}${found.data_type === 'ARRAY' ? '[]' : ''} in the schema`,
          );
        }
        if (column.isNullable !== (found.is_nullable === 'YES')) {
          drift.push(
            `${entity.tableName}.${column.databaseName}: ${column.isNullable ? 'nullable' : 'not null'} in the class, not in the schema`,
          );
        }
      }
    }
    expect(drift).toEqual([]);
  });
});
