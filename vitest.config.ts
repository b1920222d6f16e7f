import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**', 'dashboards/web/**'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Tests share one PostgreSQL and one Redis; each test file makes its own database / key prefix.
    pool: 'forks',
  },
});
