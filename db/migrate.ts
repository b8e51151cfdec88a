import { migrateDatabase, openDatabase } from './client';

const database = await openDatabase({ url: process.env.DATABASE_URL || undefined });
const n = await migrateDatabase(database);
console.log(`[linli] ${database.driver}: ${n} migrations applied`);
await database.close();
