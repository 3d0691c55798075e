/**
 * Runs the benchmarks in sequence: `pnpm bench` (all), `pnpm bench calendar sla` (by name), `pnpm bench --quick`
 * (short samples, to check that the benches run), `pnpm bench http --profile` (CPU profiles of what a bench
 * measures, where it supports them), `pnpm bench --help`. Exits with code 1 when a bench reports a failure, such as a
 * peer library answering differently from ours without a documented reason, and with code 2 for an unknown benchmark
 * name or option.
 *
 * To add a bench: write `bench/<name>.ts` with a default-exported `BenchModule`, and add one line below.
 */
import { type BenchModule, defaultSettings, quickSettings } from "./harness.ts"

const benches: Record<string, { readonly about: string; readonly load: () => Promise<{ default: BenchModule }> }> = {
  calendar: {
    about: "business-calendar arithmetic against moment-business-time and dayjs-business-time",
    load: () => import("./calendar.ts")
  },
  sla: {
    about: "Sla.evaluate against a bare loop over the same events, Sla.plan, SupportDesk.submit in memory",
    load: () => import("./sla.ts")
  },
  storage: {
    about:
      "submissions on PostgreSQL against raw inserts with CPU per submission, and the queue at 10 k and 1 M cases " +
      "(starts a server)",
    load: () => import("../../sql-pg/bench/storage.ts")
  },
  alerts: {
    about: "SLA alerts' fire lag and database time per fired alert at 10 k and 1 M open cases (starts a server)",
    load: () => import("../../sql-pg/bench/alerts.ts")
  },
  http: {
    about:
      "the demo's API under load beside a bare node:http handler and the desk called directly, with CPU per " +
      "request (starts a server)",
    load: () => import("../../../examples/http-server/bench/http.ts")
  },
  email: {
    about: "outbound mail to a loopback SMTP server against nodemailer alone; inbound mail parsed, threaded, stored",
    load: () => import("../../email/bench/email.ts")
  }
}
const options: Record<string, string> = {
  "--quick": "short samples, to check that the benches run (figures not meaningful)",
  "--profile": "http: also save a node --cpu-prof profile of each route and print its top frames",
  "--help": "this text"
}

const usage = (): string =>
  [
    "Usage: pnpm bench [name …] [--quick] [--profile]",
    "",
    "Benchmarks (all of them when no name is given):",
    ...Object.entries(benches).map(([name, b]) => `  ${name.padEnd(10)} ${b.about}`),
    "",
    "Options:",
    ...Object.entries(options).map(([option, about]) => `  ${option.padEnd(10)} ${about}`)
  ].join("\n")

const args = process.argv.slice(2)
if (args.includes("--help") || args.includes("-h")) {
  console.log(usage())
  process.exit(0)
}
const unknownOptions = args.filter((a) => a.startsWith("-") && !(a in options))
const unknownNames = args.filter((a) => !a.startsWith("-") && !(a in benches))
if (unknownOptions.length > 0 || unknownNames.length > 0) {
  const what = [
    ...unknownNames.map((n) => `unknown benchmark "${n}"`),
    ...unknownOptions.map((o) => `unknown option "${o}"`)
  ]
  console.error(`pnpm bench: ${what.join(", ")}. The benchmarks: ${Object.keys(benches).join(", ")}.\n\n${usage()}`)
  process.exit(2)
}
const settings = args.includes("--quick") ? quickSettings : defaultSettings
const only = args.filter((a) => !a.startsWith("-"))

let failures = 0
const fail = (message: string): void => {
  failures++
  console.error(`\n!!! ${message}`)
}

console.log(`Node ${process.version}, ${process.platform}/${process.arch}`)
for (const [name, entry] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue
  const bench = (await entry.load()).default
  if (bench.name !== name) fail(`bench/${name}: the module calls itself "${bench.name}"`)
  await bench.run({ settings, profile: args.includes("--profile"), fail })
}
if (failures > 0) {
  console.error(`\n!!! ${failures} failure(s): see the messages above`)
  process.exitCode = 1
}
