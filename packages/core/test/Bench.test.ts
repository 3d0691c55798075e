/**
 * The command line of `pnpm bench` (bench/index.ts): `--help` prints the usage and runs nothing; a misspelt name or
 * option exits non-zero with the valid names, before any benchmark starts.
 */
import { spawnSync } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "vitest"

const index = Path.join(Path.dirname(fileURLToPath(import.meta.url)), "../bench/index.ts")
const bench = (...args: Array<string>) =>
  spawnSync(process.execPath, ["--conditions=@support-policy/source", index, ...args], {
    encoding: "utf8",
    timeout: 20_000
  })
const names = ["calendar", "sla", "storage", "alerts", "http", "email"]

describe("pnpm bench", () => {
  it("--help prints the usage with every benchmark, exits 0 and runs nothing", () => {
    const result = bench("--help")
    assert.strictEqual(result.status, 0, result.stderr)
    assert.match(result.stdout, /^Usage: pnpm bench/)
    for (const name of names) assert.match(result.stdout, new RegExp(`^  ${name} `, "m"))
    assert.notInclude(result.stdout, "Node v") // the line a run starts with
  })

  it("an unknown name exits non-zero, naming it and listing the benchmarks", () => {
    const result = bench("calender")
    assert.strictEqual(result.status, 2)
    assert.include(result.stderr, 'unknown benchmark "calender"')
    assert.include(result.stderr, `The benchmarks: ${names.join(", ")}.`)
    assert.strictEqual(result.stdout, "")
  })

  it("an unknown option exits non-zero too", () => {
    const result = bench("calendar", "--quik")
    assert.strictEqual(result.status, 2)
    assert.include(result.stderr, 'unknown option "--quik"')
  })
})
