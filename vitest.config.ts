import { defineConfig } from 'vitest/config';

// Tests import the TypeScript sources through package.json "imports" (#core, #lake, …) via the
// 'source' condition, so they never run against a stale dist/.
const conditions = ['source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The JSON report is what .ci/run reads for its closing `N passed, N failed` line.
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/test-report.json' },
  },
});
