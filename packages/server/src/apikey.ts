// `pnpm apikey create <owner> | list | revoke <id>`: the API keys of owners, on the database of DATABASE_URL.
import { loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { OwnerRepository } from './repositories/owner.repository.js';
import { AuthService } from './services/auth.service.js';

const usage = `usage: pnpm -s apikey create <owner>   prints a new key for the owner (created if new), alone on stdout, once
       pnpm apikey list              lists keys: id, owner, prefix, created, revoked
       pnpm apikey revoke <id>       revokes a key at once`;

const [command, argument] = process.argv.slice(2);
const config = loadConfig();
const database = await openDatabase(config.databaseUrl);
let status = 0;
try {
  await migrate(database);
  const auth = new AuthService(new OwnerRepository(database.db), false);
  if (command === 'create' && argument) {
    const { id, key } = await auth.createKey(argument);
    process.stdout.write(`${key}\n`);
    console.error(`created key ${id} for the owner "${argument}"; it is shown this once`);
  } else if (command === 'list' && !argument) {
    for (const key of await auth.listKeys()) {
      const revoked = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
      process.stdout.write(`${key.id}\t${key.owner.name}\t${key.prefix}…\t${key.createdAt.toISOString()}\t${revoked}\n`);
    }
  } else if (command === 'revoke' && argument) {
    if (await auth.revokeKey(argument)) console.error(`revoked key ${argument}`);
    else {
      console.error(`no active key ${argument}`);
      status = 1;
    }
  } else {
    console.error(usage);
    status = 2;
  }
} catch (error) {
  console.error(`apikey: ${(error as Error).message}`);
  status = 1;
} finally {
  await database.db.$disconnect();
}
process.exit(status);
