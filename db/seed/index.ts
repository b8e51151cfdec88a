import { migrateDatabase, openDatabase } from '@/db/client';
import { seedDemoIfEmpty } from './demo';

const database = await openDatabase({ url: process.env.DATABASE_URL || undefined });
await migrateDatabase(database);
const summary = await seedDemoIfEmpty(database);
console.log(summary ? `[linli] seeded: ${summary}` : '[linli] database already has data; nothing seeded');
await database.close();
