import { defaultServerConditions } from "vite"
import { defineConfig } from "vitest/config"

// Workspace packages resolve to their TypeScript sources through the "@support-policy/source" condition, so tests
// run against `src/` without a build. Vitest 5 reads it from `ssr.resolve.conditions`.
export default defineConfig({
  ssr: {
    resolve: {
      conditions: ["@support-policy/source", ...defaultServerConditions]
    }
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts", "test/**/*.test.ts"],
    // CI also writes a JSON report, from which .ci/run prints a plain "N passed, N failed" line
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".vitest-report.json" },
    // One real PostgreSQL server per run for @support-policy/sql-pg, started in the background (see that file)
    globalSetup: ["packages/sql-pg/test/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
