import { sqliteDatabase } from './support/databases.js';
import { peopleApiSuite } from './support/people-api-suite.js';

peopleApiSuite('People app API on SQLite', sqliteDatabase);
