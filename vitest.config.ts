import { defaultServerConditions } from "vite"
import { defineConfig } from "vitest/config"

const include = ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts", "test/**/*.test.ts"]
// Tests that check how soon something happens (SLA alerts fired within seconds by worker processes): they run after
// every other file, one at a time, so the suite's own parallel files do not starve them of the machine's cores.
const timing = ["packages/sql-pg/test/Workers.server.test.ts", "examples/http-server/test/Demo.alerts.test.ts"]

// Workspace packages resolve to their TypeScript sources through the "@support-policy/source" condition, so tests
// run against `src/` without a build. Vitest 5 reads it from `ssr.resolve.conditions`.
export default defineConfig({
  ssr: {
    resolve: {
      conditions: ["@support-policy/source", ...defaultServerConditions]
    }
  },
  test: {
    // CI also writes a JSON report, from which .ci/run prints a plain "N passed, N failed" line
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".vitest-report.json" },
    // One real PostgreSQL server per run (per project) for the PostgreSQL tests, started in the background
    globalSetup: ["packages/sql-pg/test/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "suite", include, exclude: timing, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: { name: "timing", include: timing, fileParallelism: false, sequence: { groupOrder: 1 } }
      }
    ]
  }
})
