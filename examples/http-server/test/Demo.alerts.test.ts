/**
 * The demo's worker and `POLICY_FILE`, end to end:
 * - `pnpm demo`'s server, in-process on a fresh PGlite folder: within 15 s of being up, the seeded case past its
 *   first-response deadline has an `slaBreached` event in its record (read as an agent, hidden from its requester)
 *   and in `GET /v1/desk/alerts`. (Opening a new PGlite folder runs `initdb`, 5–10 s on a quiet machine and over a
 *   minute on a loaded one; the bound is on what the demo does once its database is open.)
 * - `POLICY_FILE=… src/main.ts` in a child process runs a host's policy and says so at start (on the test
 *   PostgreSQL server through `DATABASE_URL`, to spare a second `initdb`); a bad file is refused with every bad field
 *   named, before anything starts.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { Effect, Redacted } from "effect"
import * as PgTest from "../../../packages/sql-pg/test/support/PgTest.ts"
import * as DemoServer from "../src/DemoServer.ts"

const exampleDir = Path.join(import.meta.dirname, "..")
const hostPolicy = Path.join(exampleDir, "policies", "acme-around-the-clock.json")
const folders: Array<string> = []
const tempDir = () => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sp-demo-alerts-"))
  folders.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of folders) Fs.rmSync(dir, { recursive: true, force: true })
})

const get = async (url: string, token?: string) => {
  const response = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })
  return { status: response.status, body: (await response.json()) as any }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("the demo's SLA alerts", () => {
  it("the seeded overdue case shows its breach in its record and in the agent's alerts within 15 s of start", async () => {
    const demo = await DemoServer.start({ port: 0, host: "127.0.0.1", dataDir: tempDir() })
    const started = performance.now()
    try {
      const overdue = demo.seed.trackingNumbers[0]
      expect(overdue).toMatch(/^GS-/)
      let inRecord: any
      let inAlerts: any
      while (performance.now() - started < 15_000 && (inRecord === undefined || inAlerts === undefined)) {
        const record = await get(`${demo.url}/v1/cases/${overdue}`, "demo-agent")
        inRecord ??= record.body.events.find((e: any) => e.type === "slaBreached")
        const alerts = await get(`${demo.url}/v1/desk/alerts`, "demo-agent")
        inAlerts ??= alerts.body.items.find((a: any) => a.trackingNumber === overdue && a.type === "slaBreached")
        if (inRecord === undefined || inAlerts === undefined) await sleep(200)
      }
      const seconds = (performance.now() - started) / 1000
      expect(inRecord, `no slaBreached in the record after ${seconds.toFixed(1)} s`).toBeDefined()
      expect(inAlerts, `no slaBreached in GET /v1/desk/alerts after ${seconds.toFixed(1)} s`).toBeDefined()
      expect(seconds).toBeLessThan(15)
      expect(inRecord).toMatchObject({ metric: "firstResponse", level: "breached", actor: { role: "system" } })
      expect(inAlerts).toMatchObject({ metric: "firstResponse", level: "breached", dueAt: inRecord.dueAt })
      // addressed to the agents' pool and its lead (the demo's staff directory), who gets the notification
      expect(inRecord.to).toEqual([{ role: "agent" }, { role: "agent", id: "agent-sam" }])
      // staff only: the requester's copy of the record has no alert
      const requester = await get(`${demo.url}/v1/cases/${overdue}`, "demo-buyer")
      expect(requester.status).toBe(200)
      expect(requester.body.events.some((e: any) => e.type.startsWith("sla"))).toBe(false)
      expect((await get(`${demo.url}/v1/desk/alerts`, "demo-buyer")).status).toBe(403)
      console.log(
        `slaBreached of the seeded overdue case visible ${seconds.toFixed(1)} s after the demo was up ` +
          `(it opened its database in ${(demo.timings.storageMs / 1000).toFixed(1)} s)`
      )
    } finally {
      await demo.close()
    }
  }, 300_000)
})

/** Runs `src/main.ts` with `env`; resolves with its output once `until` matches it, or once it exits. */
const runMain = (env: Record<string, string>, until: RegExp) =>
  new Promise<{ readonly child: ChildProcess; readonly out: string; readonly code: number | null }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ["--conditions=@support-policy/source", "src/main.ts"], {
        cwd: exampleDir,
        // ports of its own for mail too, so that a demo running on this machine does not fail the test
        env: { ...process.env, SMTP_INBOUND_PORT: "0", SMTP_SINK_PORT: "0", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let out = ""
      const timer = setTimeout(() => {
        child.kill("SIGKILL")
        reject(new Error(`src/main.ts did not print ${until} within 120 s:\n${out}`))
      }, 120_000)
      const check = () => {
        if (until.test(out)) {
          clearTimeout(timer)
          resolve({ child, out, code: null })
        }
      }
      child.stdout.on("data", (chunk) => {
        out += String(chunk)
        check()
      })
      child.stderr.on("data", (chunk) => {
        out += String(chunk)
        check()
      })
      child.on("exit", (code) => {
        clearTimeout(timer)
        resolve({ child, out, code })
      })
    }
  )

describe.skipIf(PgTest.skipServer)("POLICY_FILE", () => {
  it("runs the demo on a host's policy, printed at start", async () => {
    const databaseUrl = Redacted.value(await Effect.runPromise(PgTest.freshUrl))
    const { child, out } = await runMain(
      { POLICY_FILE: hostPolicy, PORT: "0", DATABASE_URL: databaseUrl, SMTP_SINK_PORT: "0" },
      /Ready in|could not start/
    )
    try {
      expect(out).toContain(
        `Policy: Acme Marketplace Support Policy v2.0 (acme-marketplace, effective 2026-01-01), from ${hostPolicy}`
      )
      expect(out).toContain("Support desk demo — Acme Marketplace Support Policy v2.0")
      const url = /Requester page\s+(http:\/\/\S+)\//.exec(out)?.[1]
      expect(url).toBeDefined()
      const policy = await get(`${url}/v1/policy`)
      expect(policy.body.id).toBe("acme-marketplace")
      expect(policy.body.sla[0].target).toEqual({ businessHours: 4 })
      // the seed took the host's policy: its tracking numbers carry the host's prefix
      const cases = await get(`${url}/v1/desk/queue`, "demo-agent")
      expect(cases.body.items.length).toBeGreaterThan(0)
      for (const item of cases.body.items) expect(item.case.trackingNumber).toMatch(/^ACME-/)
      expect(out).toContain("Storage: PostgreSQL (DATABASE_URL); seeded")
    } finally {
      child.kill("SIGTERM")
      await new Promise((resolve) => child.once("exit", resolve))
    }
  }, 150_000)

  it("refuses a policy file that does not decode, naming every bad field, before starting", async () => {
    const dir = tempDir()
    const broken = JSON.parse(Fs.readFileSync(hostPolicy, "utf8"))
    broken.sla[0].escalations[2].notify = [{ role: "nightManager" }]
    broken.sla[1].target = { businessHours: -1 }
    const file = Path.join(dir, "policy.json")
    Fs.writeFileSync(file, JSON.stringify(broken))
    const { out, code } = await runMain({ POLICY_FILE: file, PORT: "0", DEMO_DATA_DIR: dir }, /^$/)
    expect(code).toBe(2)
    expect(out).toContain(`POLICY_FILE: ${file} is not a valid support policy`)
    expect(out).toMatch(/sla\[1\]\.target\.businessHours: /)
    expect(out).not.toContain("Starting the demo")
    Fs.writeFileSync(file, "{ not json")
    const notJson = await runMain({ POLICY_FILE: file, PORT: "0", DEMO_DATA_DIR: dir }, /^$/)
    expect(notJson.code).toBe(2)
    expect(notJson.out).toContain(`POLICY_FILE: ${file} is not JSON`)
  }, 60_000)
})
