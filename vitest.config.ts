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
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
