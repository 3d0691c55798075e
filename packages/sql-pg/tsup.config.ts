import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts", "src/pglite.ts"],
  // PgStorage.layerPglite loads the PGlite entry point by the package's own name, at run time only
  external: ["@support-policy/sql-pg/pglite"],
  format: ["esm"],
  dts: false, // tsc writes the declarations: scripts/emit-declarations.mjs
  clean: true,
  sourcemap: true,
  target: "es2022",
  tsconfig: "tsconfig.build.json"
})
