import { sqliteDatabase } from './support/databases.js';
import { erasureSuite } from './support/erasure-suite.js';

erasureSuite('Erasure on SQLite', sqliteDatabase);
