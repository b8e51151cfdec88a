import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;
const alias = { '@': root };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', maxWorkers: 2 },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: [path.join(root, 'tests/helpers/global-setup.ts')],
          // Entry-point wiring the app does in server/api/root.ts (payment → relay lifecycle).
          setupFiles: [path.join(root, 'tests/helpers/wire.ts')],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: more workers only queue on the CPU, and each PGlite costs ~100 MB.
          maxWorkers: 2,
        },
      },
    ],
  },
});
