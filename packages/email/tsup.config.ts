import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: false, // tsc writes the declarations: scripts/emit-declarations.mjs
  clean: true,
  sourcemap: true,
  target: "es2022",
  tsconfig: "tsconfig.build.json"
})
