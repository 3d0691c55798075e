/**
 * The packages as a user gets them from the registry: built, packed with `pnpm pack` (which writes the published
 * package.json: `publishConfig`, `workspace:` ranges resolved), and installed with npm from the tarballs into one
 * fresh project outside the workspace, beside the newest effect 4, vitest 5 and @effect/vitest 4 from the registry.
 * There, run with this Node:
 *
 * - npm's own check that every peer dependency is met (`npm ls --all`);
 * - publint and `attw --profile esm-only` on every tarball;
 * - no published package needs a dependency that the workspace patches (a patch does not travel with a package);
 * - test/consumer/consumer.ts: every entry point used (core, core/testing, holidays, email on memory stores, sql-pg on
 *   PGlite and on the PostgreSQL server of this run, sql-pg/pglite, http serving requests);
 * - the storage contract suite of the published core/testing, run by the host's vitest (on core's memory adapters);
 * - a TypeScript check of those files and of every README example with `skipLibCheck: false`;
 * - every README example (packages/<name>/examples/*.ts), run: it exits 0 and prints what its `// Prints:` block says;
 *   `serve*.ts` examples are servers, asked for `GET /v1/policy` on a free port and stopped.
 *
 * It takes a few minutes (most of it npm install, PGlite's start-up and the type check); the setup runs once per run.
 */
import { Effect, Redacted } from "effect"
import { execFile, spawn } from "node:child_process"
import * as Fs from "node:fs"
import { createServer } from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import * as PgTest from "../packages/sql-pg/test/support/PgTest.ts"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const readJson = (file: string) => JSON.parse(Fs.readFileSync(file, "utf8"))
const exec = promisify(execFile)
const minutes = (n: number) => n * 60_000

/** The published packages: every packages/* that is not private. */
const packages = Fs.readdirSync(Path.join(root, "packages"))
  .filter((dir) => Fs.existsSync(Path.join(root, "packages", dir, "package.json")))
  .map((dir) => ({ dir, json: readJson(Path.join(root, "packages", dir, "package.json")) }))
  .filter((p) => p.json.private !== true)

// This Node first on PATH: npm, and everything it starts, run on it.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: [Path.dirname(process.execPath), process.env.PATH].join(Path.delimiter)
}
delete env.NODE_OPTIONS
for (const key of Object.keys(env)) if (/^(npm_|VITEST|TEST$)/i.test(key)) delete env[key]

/** pnpm: the one running this test when there is one, else the one on PATH. */
const pnpm = (args: ReadonlyArray<string>, cwd: string) => {
  const execpath = process.env.npm_execpath
  return execpath !== undefined && /pnpm/.test(execpath)
    ? run(process.execPath, [execpath, ...args], cwd)
    : run("pnpm", args, cwd)
}

/** Runs a command to its end; fails with its output when it exits non-zero. */
const run = async (command: string, args: ReadonlyArray<string>, cwd: string, extraEnv: object = {}) => {
  try {
    return await exec(command, args, { cwd, env: { ...env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024 })
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(
      `${command} ${args.join(" ")} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`
    )
  }
}

const bin = (project: string, file: string) => Path.join(project, "node_modules", file)

let project = ""
const tarballs: Record<string, string> = {}
let databaseUrl = ""

beforeAll(async () => {
  project = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sp-pack-"))
  const packs = Path.join(project, "tarballs")
  Fs.mkdirSync(packs)
  await pnpm(["--filter", "./packages/*", "--reporter=append-only", "run", "build"], root)
  for (const p of packages) {
    const { stdout } = await pnpm(["pack", "--pack-destination", packs], Path.join(root, "packages", p.dir))
    const tarball = stdout.trim().split("\n").pop()!.trim()
    assert.isTrue(Fs.existsSync(tarball), `pnpm pack printed ${tarball}`)
    tarballs[p.json.name] = tarball
  }

  // The host: what the READMEs tell users to install, at the newest versions the registry has, plus the tools.
  const rootJson = readJson(Path.join(root, "package.json"))
  const sqlPg = packages.find((p) => p.json.name === "@support-policy/sql-pg")!.json
  const email = packages.find((p) => p.json.name === "@support-policy/email")!.json
  const dependencies: Record<string, string> = {
    ...Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])),
    effect: "4",
    "@effect/platform-node": "4",
    "temporal-polyfill": "1",
    "@electric-sql/pglite": sqlPg.dependencies["@electric-sql/pglite"],
    // the SMTP server of the email package's delivery example
    "smtp-server": email.dependencies["smtp-server"],
    "postal-mime": email.dependencies["postal-mime"]
  }
  const devDependencies = {
    vitest: "5",
    "@effect/vitest": "4",
    typescript: rootJson.devDependencies.typescript,
    "@types/node": rootJson.devDependencies["@types/node"],
    // PGlite's declarations use Emscripten's types without depending on them (see test/consumer/tsconfig.json)
    "@types/emscripten": "1"
  }
  Fs.writeFileSync(
    Path.join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module", dependencies, devDependencies }, null, 2)
  )
  for (const file of Fs.readdirSync(Path.join(root, "test", "consumer"))) {
    Fs.copyFileSync(Path.join(root, "test", "consumer", file), Path.join(project, file))
  }
  for (const p of packages) {
    const examples = Path.join(root, "packages", p.dir, "examples")
    if (Fs.existsSync(examples)) Fs.cpSync(examples, Path.join(project, "readme", p.dir), { recursive: true })
  }
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], project)
  databaseUrl = Redacted.value(await Effect.runPromise(PgTest.freshUrl))
}, minutes(10))

afterAll(() => {
  if (project !== "") Fs.rmSync(project, { recursive: true, force: true })
})

const installed = (name: string): string => readJson(Path.join(project, "node_modules", name, "package.json")).version

describe(
  "the packages as published, installed with npm",
  () => {
    it("install beside the newest effect 4, vitest 5 and @effect/vitest 4 with every peer dependency met", async () => {
      const { stdout } = await run("npm", ["ls", "--all"], project) // fails on a missing or invalid peer
      const problems = stdout.split("\n").filter((line) => /UNMET (PEER )?DEPENDENCY|invalid|missing/.test(line))
      assert.deepStrictEqual(problems, [], stdout)
      const { stdout: newestEffect } = await run("npm", ["view", "effect@4", "version", "--json"], project)
      const newest = [JSON.parse(newestEffect)].flat().pop()
      assert.strictEqual(installed("effect"), newest, "the newest effect 4 on the registry")
      console.log(`installed: effect ${installed("effect")}, vitest ${installed("vitest")}`)
    })

    it("are clean for publint and `attw --profile esm-only`, and carry the LICENSE", async () => {
      const license = Fs.readFileSync(Path.join(root, "LICENSE"), "utf8")
      await Promise.all(
        Object.values(tarballs).flatMap((tarball) => [
          run(bin(root, ".bin/publint"), ["run", "--strict", tarball], root),
          run(bin(root, ".bin/attw"), [tarball, "--profile", "esm-only"], root)
        ])
      )
      for (const name of Object.keys(tarballs)) {
        const dir = Path.join(project, "node_modules", name)
        assert.strictEqual(Fs.readFileSync(Path.join(dir, "LICENSE"), "utf8"), license, `${name}: LICENSE`)
        const json = readJson(Path.join(dir, "package.json"))
        assert.notInclude(JSON.stringify(json), "workspace:", `${name}: package.json`)
        assert.notInclude(JSON.stringify(json.exports), "@support-policy/source", `${name}: exports`)
        assert.isFalse(Fs.existsSync(Path.join(dir, "src")), `${name}: ships only dist/`)
      }
    })

    it("need no dependency that the workspace patches", () => {
      const workspace = Fs.readFileSync(Path.join(root, "pnpm-workspace.yaml"), "utf8")
      const block = /^patchedDependencies:\n((?:[ \t]+.*\n?)*)/m.exec(workspace)?.[1] ?? ""
      const patched = [
        ...block.matchAll(/^\s+['"]?(@?[^@'"\s]+)@/gm),
        ...Object.keys(readJson(Path.join(root, "package.json")).pnpm?.patchedDependencies ?? {}).map((k) => [
          k,
          k.replace(/(.)@.*$/, "$1")
        ])
      ].map((m) => m[1]!)
      // every package the published ones bring in, by npm's resolution from each package's folder
      const closure = new Map<string, string>()
      const visit = (dir: string) => {
        const json = readJson(Path.join(dir, "package.json"))
        const names = [
          ...Object.keys(json.dependencies ?? {}),
          ...Object.keys(json.peerDependencies ?? {}).filter((n) => json.peerDependenciesMeta?.[n]?.optional !== true)
        ]
        for (const name of names) {
          let at = dir
          let found: string | undefined
          while (found === undefined) {
            const candidate = Path.join(at, "node_modules", name)
            if (Fs.existsSync(Path.join(candidate, "package.json"))) found = candidate
            else if (at === project || Path.dirname(at) === at) break
            else at = Path.dirname(at)
          }
          assert.isDefined(found, `${json.name} needs ${name}, which npm did not install`)
          if (!closure.has(found!)) {
            closure.set(found!, name)
            visit(found!)
          }
        }
      }
      for (const name of Object.keys(tarballs)) visit(Path.join(project, "node_modules", name))
      const needed = new Set(closure.values())
      for (const name of patched) {
        assert.isFalse(
          needed.has(name),
          `the workspace patches ${name}, which a published package needs: a pnpm patch does not travel with a ` +
            "published package, so its users get the unpatched one"
        )
      }
      assert.isFalse(needed.has("@effect/sql-pglite"), "the PGlite client is the package's own")
    })

    it("work when used as a host does: every entry point, PGlite and PostgreSQL, HTTP", async () => {
      const { stdout } = await run(process.execPath, ["consumer.ts"], project, { DATABASE_URL: databaseUrl })
      for (const entry of [
        "@support-policy/core:",
        "@support-policy/core/testing:",
        "@support-policy/holidays:",
        "@support-policy/email:",
        "@support-policy/sql-pg on PGlite:",
        "@support-policy/sql-pg on PostgreSQL:",
        "@support-policy/sql-pg/pglite:",
        "@support-policy/http on PGlite:",
        "@support-policy/http on PostgreSQL:"
      ]) {
        assert.include(stdout, `ok - ${entry}`)
      }
    })

    it("pass the storage contract suite of the published core/testing in the host's vitest", async () => {
      const vitest = bin(project, "vitest/vitest.mjs")
      await run(process.execPath, [vitest, "run", "--reporter=json", "--outputFile=report.json"], project)
      const report = readJson(Path.join(project, "report.json"))
      assert.isAbove(report.numPassedTests, 40)
      assert.strictEqual(report.numFailedTests, 0)
      assert.strictEqual(report.numPendingTests + report.numTodoTests, 0)
    })

    it("typecheck in a host with skipLibCheck false: a consumer file and every README example", async () => {
      const config = readJson(Path.join(project, "tsconfig.json"))
      assert.isFalse(config.compilerOptions.skipLibCheck)
      await run(process.execPath, [bin(project, "typescript/bin/tsc"), "-p", "tsconfig.json"], project)
    })

    it("run every README example as shown", async () => {
      const examples = Fs.readdirSync(Path.join(project, "readme"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts"))
        .map((f) => Path.join("readme", f))
      assert.isAbove(examples.length, 0)
      // two at a time: the machine has two cores, and a starved server example would miss its deadline
      await inPairs(examples, async (file) => {
        const source = Fs.readFileSync(Path.join(project, file), "utf8")
        if (Path.basename(file).startsWith("serve")) return serveOnce(file)
        const { stdout } = await run(process.execPath, [file], project)
        const prints = /^\/\/ Prints.*\n((?:\/\/.*\n?)+)$/m.exec(source)
        if (prints !== null) {
          const expected = prints[1]!
            .trimEnd()
            .split("\n")
            .map((line) => line.replace(/^\/\/ ?/, ""))
          assert.deepStrictEqual(stdout.trimEnd().split("\n"), expected, `${file} prints what its comment says`)
        } else {
          assert.notStrictEqual(stdout.trim(), "", `${file} prints something`)
        }
      })
    })
  },
  minutes(15)
)

/** Runs `f` on every item, two at a time. */
const inPairs = async <A>(items: ReadonlyArray<A>, f: (item: A) => Promise<unknown>) => {
  const queue = [...items]
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await f(item)
  }
  await Promise.all([worker(), worker()])
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })

/** Starts a server example on a free port, waits until it answers `GET /v1/policy`, and stops it. */
const serveOnce = async (file: string) => {
  const port = await freePort()
  const child = spawn(process.execPath, [file], { cwd: project, env: { ...env, PORT: String(port) } })
  let output = ""
  child.stdout.on("data", (chunk) => (output += chunk))
  child.stderr.on("data", (chunk) => (output += chunk))
  try {
    const deadline = Date.now() + 120_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode}:\n${output}`)
      const response = await fetch(`http://127.0.0.1:${port}/v1/policy`).catch(() => undefined)
      if (response !== undefined) {
        assert.strictEqual(response.status, 200, output)
        assert.strictEqual(((await response.json()) as { id: string }).id, "global-sources")
        return
      }
      if (Date.now() > deadline) throw new Error(`${file} did not answer on port ${port} within 120 s:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  } finally {
    child.kill("SIGTERM")
  }
}
