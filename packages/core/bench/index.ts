/**
 * Runs every bench module in sequence: `pnpm bench` (all), `pnpm bench calendar` (by name), `pnpm bench --quick`
 * (short samples, to check that the benches run), `pnpm bench http --profile` (CPU profiles of what a bench measures,
 * where it supports them). Exits with code 1 when a bench reports a failure, such as a peer
 * library answering differently from ours without a documented reason.
 *
 * To add a bench: write `bench/<name>.ts` with a default-exported `BenchModule`, and add one line below.
 */
import { type BenchModule, defaultSettings, quickSettings } from "./harness.ts"

const modules: ReadonlyArray<() => Promise<{ readonly default: BenchModule }>> = [
  () => import("./calendar.ts"),
  () => import("./sla.ts"),
  () => import("../../sql-pg/bench/storage.ts"),
  () => import("../../../examples/http-server/bench/http.ts")
]

const args = process.argv.slice(2)
const settings = args.includes("--quick") ? quickSettings : defaultSettings
const only = args.filter((a) => !a.startsWith("--"))

let failures = 0
const fail = (message: string): void => {
  failures++
  console.error(`\n!!! ${message}`)
}

console.log(`Node ${process.version}, ${process.platform}/${process.arch}`)
for (const load of modules) {
  const bench = (await load()).default
  if (only.length > 0 && !only.includes(bench.name)) continue
  await bench.run({ settings, profile: args.includes("--profile"), fail })
}
if (failures > 0) {
  console.error(`\n!!! ${failures} failure(s): see the messages above`)
  process.exitCode = 1
}
