import { defineConfig } from 'vitest/config';

const alias = { '@': import.meta.dirname };

/** Browser journeys: playwright-core drives Debian's Chromium against a production server. */
export default defineConfig({
  resolve: { alias },
  test: {
    name: 'browser',
    include: ['tests/browser/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/browser/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
