import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase, testDriver } from '@/tests/helpers/db';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('health', () => {
  it('reports the driver the suite runs on and the applied migrations', async () => {
    const health = await callerFor(database, null).health.get();
    expect(health.db).toBe(testDriver());
    expect(health.ok).toBe(true);
    expect(health.migrations).toBeGreaterThan(0);
  });
});
