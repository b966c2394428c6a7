import { sqliteDatabase } from './support/databases.js';
import { hostileSuite } from './support/hostile-suite.js';

hostileSuite('Hostile clients on SQLite', sqliteDatabase);
