import { apiSuite } from './support/api-suite.js';
import { sqliteDatabase } from './support/databases.js';

apiSuite('API on SQLite', sqliteDatabase);
