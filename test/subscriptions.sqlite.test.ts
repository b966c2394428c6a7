import { sqliteDatabase } from './support/databases.js';
import { subscriptionsSuite } from './support/subscriptions-suite.js';

subscriptionsSuite('Subscriptions on SQLite', sqliteDatabase);
