/**
 * The demo as a process on a machine: it listens on 127.0.0.1 unless `HOST` says otherwise, hands out its tokens
 * (`/demo/identities`) to this machine only, sends security headers with its pages, refuses a second process on the
 * same data folder, a port in use and a mail port that is not one (the worker command too), each with one line, and
 * takes over a lock left by a process that died.
 */
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import * as DemoServer from "../src/DemoServer.ts"
import { isLoopback } from "../src/Pages.ts"

const main = Path.join(import.meta.dirname, "..", "src", "main.ts")

/**
 * Runs `pnpm demo`'s entry point (or `script`) with `env`; resolves with its exit code and output once it exits (or
 * is killed).
 */
const runDemo = (env: Record<string, string>, timeoutMs = 60_000, script = main) =>
  new Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly ms: number }>(
    (resolve) => {
      const started = Date.now()
      const child = spawn(process.execPath, ["--conditions=@support-policy/source", script], {
        cwd: Path.dirname(script),
        // ports of its own for mail too, so that a demo running on this machine does not fail the test
        env: { ...process.env, SMTP_INBOUND_PORT: "0", SMTP_SINK_PORT: "0", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (chunk) => {
        stdout += chunk
      })
      child.stderr.on("data", (chunk) => {
        stderr += chunk
      })
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
      child.on("exit", (code) => {
        clearTimeout(timer)
        resolve({ code, stdout, stderr, ms: Date.now() - started })
      })
    }
  )

/** An address of this machine that is not loopback, if it has one. */
const externalAddress = Object.values(Os.networkInterfaces())
  .flat()
  .find((i) => i !== undefined && i.family === "IPv4" && !i.internal)?.address

describe("the demo on this machine", () => {
  const folders: Array<string> = []
  const tempFolder = () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sp-demo-process-"))
    folders.push(dir)
    return dir
  }
  let dataDir: string
  let demo: DemoServer.Demo | undefined

  beforeAll(async () => {
    dataDir = tempFolder()
    demo = await DemoServer.start({ port: 0, dataDir, worker: false })
  }, 120_000)

  afterAll(async () => {
    await demo?.close()
    for (const dir of folders) {
      Fs.rmSync(dir, { recursive: true, force: true })
      Fs.rmSync(`${dir}.lock`, { force: true })
    }
  })

  it("listens on 127.0.0.1 by default, and holds a lock on its data folder with its pid", async () => {
    assert.match(demo!.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.strictEqual(Fs.readFileSync(`${dataDir}.lock`, "utf8"), String(process.pid))
    const page = await fetch(`${demo!.url}/`)
    assert.strictEqual(page.status, 200)
    assert.include(page.headers.get("content-security-policy") ?? "", "frame-ancestors 'none'")
    assert.include(page.headers.get("content-security-policy") ?? "", "script-src 'self'")
    assert.strictEqual(page.headers.get("x-content-type-options"), "nosniff")
    assert.strictEqual(page.headers.get("referrer-policy"), "no-referrer")
    if (externalAddress !== undefined) {
      const port = new URL(demo!.url).port
      const refused = await fetch(`http://${externalAddress}:${port}/`).then(
        () => "answered",
        () => "refused"
      )
      assert.strictEqual(refused, "refused", `reachable on ${externalAddress}`)
    }
  })

  it("refuses a second demo on the same data folder: in-process, and as a process with one line", async () => {
    const error = await DemoServer.start({ port: 0, dataDir, worker: false }).then(
      () => undefined,
      (e: unknown) => e
    )
    assert.instanceOf(error, DemoServer.DemoStartError)
    assert.include((error as Error).message, `pid ${process.pid}`)
    const second = await runDemo({ PORT: "0", DEMO_DATA_DIR: dataDir })
    assert.strictEqual(second.code, 1)
    assert.strictEqual(second.stderr.trim().split("\n").length, 1, second.stderr)
    assert.match(second.stderr, /^Another demo \(pid \d+\) is using the data folder /)
    assert.isBelow(second.ms, 30_000)
  }, 60_000)

  it("refuses a port in use with one line, before opening any data", async () => {
    const port = new URL(demo!.url).port
    const busy = await runDemo({ PORT: port, DEMO_DATA_DIR: tempFolder() })
    assert.strictEqual(busy.code, 1)
    assert.strictEqual(busy.stderr.trim().split("\n").length, 1, busy.stderr)
    assert.match(busy.stderr, new RegExp(`^Port ${port} on 127\\.0\\.0\\.1 is in use`))
  }, 60_000)

  it("refuses a mail port that is not one with one line naming it: the demo and the worker command alike", async () => {
    const worker = Path.join(Path.dirname(main), "worker.ts")
    const database = { DATABASE_URL: "postgres://127.0.0.1:1/none", SMTP_URL: "" }
    for (const [script, env, min] of [
      [main, { SMTP_SINK_PORT: "abc" }, 0],
      [main, { SMTP_INBOUND_PORT: "70000" }, 0],
      [main, { SMTP_SINK_PORT: "0x50" }, 0],
      [worker, { ...database, SMTP_SINK_PORT: "25.5" }, 1],
      // a port to send to: 0 (any free port) is one to listen on only
      [worker, { ...database, SMTP_SINK_PORT: "0" }, 1]
    ] as const) {
      const [name, value] = Object.entries(env).at(-1)!
      const refused = await runDemo({ DEMO_DATA_DIR: tempFolder(), ...env }, 60_000, script)
      assert.strictEqual(refused.code, 2, refused.stderr)
      assert.strictEqual(refused.stderr.trim(), `${name} must be a whole number from ${min} to 65535, got "${value}"`)
    }
  }, 120_000)

  it("takes over the lock of a process that died", () => {
    const dir = tempFolder()
    // a pid that does not run: above the kernel's maximum
    Fs.writeFileSync(`${dir}.lock`, "4194305")
    const release = DemoServer.lockDataDir(dir)
    assert.strictEqual(Fs.readFileSync(`${dir}.lock`, "utf8"), String(process.pid))
    release()
    assert.isFalse(Fs.existsSync(`${dir}.lock`))
  })

  it("hands out its tokens to this machine only, even on every interface", async () => {
    await demo?.close()
    demo = await DemoServer.start({ port: 0, host: "0.0.0.0", dataDir, worker: false })
    const port = new URL(demo.url).port
    const local = await fetch(`http://127.0.0.1:${port}/demo/identities`)
    assert.strictEqual(local.status, 200)
    assert.isAbove(((await local.json()) as ReadonlyArray<unknown>).length, 0)
    if (externalAddress !== undefined) {
      const remote = await fetch(`http://${externalAddress}:${port}/demo/identities`)
      assert.strictEqual(remote.status, 404)
      assert.notInclude(await remote.text(), "demo-admin")
    }
    assert.isTrue(isLoopback("127.0.0.1") && isLoopback("::1") && isLoopback("::ffff:127.0.0.1"))
    assert.isFalse(isLoopback("10.0.0.1") || isLoopback("::ffff:10.0.0.1") || isLoopback("128.0.0.1"))
  }, 120_000)
})
