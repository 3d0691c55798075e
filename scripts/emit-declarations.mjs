// The .d.ts files of the package in the current folder: tsc writes one per module into dist/ (tsup bundles the
// JavaScript), then their relative imports are pointed at `.js`, as in the sources' output. One file per module,
// as TypeScript writes it, because a bundled .d.ts loses the value or the type of a name that is both (a schema and
// its type) inside the `export * as` namespaces every package exports.
//
//   node ../../scripts/emit-declarations.mjs        (from a package folder, after tsup; reads tsconfig.build.json)
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" })
if (result.status !== 0) process.exit(result.status ?? 1)

let files = 0
for (const file of Fs.readdirSync("dist", { recursive: true, encoding: "utf8" })) {
  if (!file.endsWith(".d.ts")) continue
  const path = Path.join("dist", file)
  const text = Fs.readFileSync(path, "utf8")
  Fs.writeFileSync(path, text.replace(/((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\.ts\2/g, "$1$2$3.js$2"))
  files++
}
console.log(`declarations: ${files} files in dist/`)
