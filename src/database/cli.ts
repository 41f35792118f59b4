// `npm run migration:run | migration:revert`. Migrations are reviewed SQL written by hand (migrations/):
// the entities cover only the tables read through repositories, so nothing is generated from them.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { resolveDatabase } from './database';

async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
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
    } else {
      throw new Error(
        `Unknown command ${command}; use migration:run or migration:revert (a new migration is written by hand: see migrations/)`,
      );
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
