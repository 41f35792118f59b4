// `npm run migration:run | migration:revert | migration:generate -- <Name>`
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { resolveDatabase } from './database';

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const { url, embedded } = await resolveDatabase();
  const dataSource = new DataSource(dataSourceOptions(url));
  await dataSource.initialize();
  try {
    if (command === 'migration:run') {
      const done = await dataSource.runMigrations({ transaction: 'all' });
      console.log(done.length ? `Applied: ${done.map((m) => m.name).join(', ')}` : 'Nothing to apply');
    } else if (command === 'migration:revert') {
      await dataSource.undoLastMigration({ transaction: 'all' });
      console.log('Reverted the last migration');
    } else if (command === 'migration:generate') {
      if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('Give the migration a PascalCase name: npm run migration:generate -- AddSomething');
      await dataSource.runMigrations({ transaction: 'all' });
      const sql = await dataSource.driver.createSchemaBuilder().log();
      if (sql.upQueries.length === 0) {
        console.log('The entities match the schema: nothing to generate');
        return;
      }
      const stamp = Date.now();
      const file = `migrations/${stamp}-${name}.ts`;
      const up = sql.upQueries.map((q) => `    await q.query(${JSON.stringify(q.query)});`).join('\n');
      const down = sql.downQueries.reverse().map((q) => `    await q.query(${JSON.stringify(q.query)});`).join('\n');
      writeFileSync(file, `import { MigrationInterface, QueryRunner } from 'typeorm';

// Generated from the entities; review before committing, then add it to migrations/index.ts.
export class ${name}${stamp} implements MigrationInterface {
  name = '${name}${stamp}';

  async up(q: QueryRunner): Promise<void> {
${up}
  }

  async down(q: QueryRunner): Promise<void> {
${down}
  }
}
`);
      console.log(`Wrote ${file}`);
    } else {
      throw new Error(`Unknown command ${command}; use migration:run, migration:revert or migration:generate`);
    }
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
