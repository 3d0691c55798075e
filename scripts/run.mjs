#!/usr/bin/env node
// The project's entry point for `npm test` and `npm run demo` (and `pnpm test`, `pnpm demo`): installs what is
// missing, then runs the command. Dependency-free and written for Node 20, the oldest Node it starts on.
//
//   node scripts/run.mjs test [vitest args]   lint, typecheck, every test suite
//   node scripts/run.mjs demo                 the demo server on embedded PGlite
//   node scripts/run.mjs pnpm <args>          any pnpm command, with the project's Node and pnpm
//   node scripts/run.mjs toolchain            installs Node and pnpm into .toolchain/, prints its bin folder
//
// What is missing: when this Node is older than `engines.node` of package.json, the Node and pnpm pinned in
// .ci/toolchain/ (package.json and lockfile) go into the git-ignored .toolchain/ with `npm ci`; without pnpm on
// PATH, the pinned pnpm from there. Then the dependencies, with `pnpm install --frozen-lockfile`. Nothing here
// changes the caller's shell: the chosen Node and pnpm are put first on PATH for the child processes only.
import { spawn, spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const toolchainSource = Path.join(root, ".ci", "toolchain")
const toolchainDir = Path.join(root, ".toolchain")
const toolchainBin = Path.join(toolchainDir, "node_modules", ".bin")

const tty = process.stderr.isTTY === true
const say = (message) =>
  process.stderr.write(`${tty ? "\x1b[1m[support-policy]\x1b[0m" : "[support-policy]"} ${message}\n`)
const stop = (message, code = 1) => {
  say(tty ? `\x1b[31m${message}\x1b[0m` : message)
  process.exit(code)
}
const readJson = (file) => JSON.parse(Fs.readFileSync(file, "utf8"))

/** The lowest Node the project supports, from `engines.node` (">=22.12"). */
const wantedNode = () => {
  const range = readJson(Path.join(root, "package.json")).engines?.node ?? ""
  const match = /^>=\s*(\d+)(?:\.(\d+))?/.exec(range)
  if (match === null) stop(`package.json: engines.node should read ">=MAJOR.MINOR", not "${range}"`)
  return { text: range, major: Number(match[1]), minor: Number(match[2] ?? 0) }
}

const versionOf = (version) => {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number)
  return { major, minor }
}

const atLeast = (version, wanted) =>
  version.major > wanted.major || (version.major === wanted.major && version.minor >= wanted.minor)

/** An executable named `name` on PATH, or undefined. */
const onPath = (name) => {
  for (const dir of (process.env.PATH ?? "").split(Path.delimiter)) {
    if (dir === "") continue
    const file = Path.join(dir, name)
    try {
      Fs.accessSync(file, Fs.constants.X_OK)
      if (Fs.statSync(file).isFile()) return file
    } catch {}
  }
  return undefined
}

/** Installs .ci/toolchain into .toolchain/ unless the same lockfile is installed there already. */
const ensureToolchain = () => {
  const lock = Fs.readFileSync(Path.join(toolchainSource, "package-lock.json"), "utf8")
  const pinned = readJson(Path.join(toolchainSource, "package.json")).dependencies
  const installedLock = Path.join(toolchainDir, "package-lock.json")
  const complete =
    Fs.existsSync(installedLock) &&
    Fs.readFileSync(installedLock, "utf8") === lock &&
    Fs.existsSync(Path.join(toolchainBin, "node")) &&
    Fs.existsSync(Path.join(toolchainBin, "pnpm"))
  if (complete) return
  say(
    `Installing Node ${pinned.node} and pnpm ${pinned.pnpm} into .toolchain/ (npm ci from .ci/toolchain/; once, about 30 MB)…`
  )
  const npm = onPath("npm")
  if (npm === undefined) stop("npm is not on PATH. Install Node.js (20 or newer) with npm, then run this again.")
  Fs.mkdirSync(toolchainDir, { recursive: true })
  for (const file of ["package.json", "package-lock.json"]) {
    Fs.copyFileSync(Path.join(toolchainSource, file), Path.join(toolchainDir, file))
  }
  // Without npm's own settings of a surrounding `npm test` (its prefix would point npm ci at the project root).
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_(config_(local_)?prefix|package_|lifecycle_)/i.test(key))
  )
  const result = spawnSync(npm, ["ci", "--prefix", toolchainDir, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: toolchainDir,
    stdio: ["ignore", "inherit", "inherit"],
    env
  })
  if (result.status !== 0 || !Fs.existsSync(Path.join(toolchainBin, "node"))) {
    Fs.rmSync(installedLock, { force: true })
    stop(
      `Could not install Node ${pinned.node} and pnpm into .toolchain/ (npm ci ${
        result.error ? `failed: ${result.error.message}` : `exited with ${result.status}`
      }). Check the network and the registry (npm config get registry), then run the command again; ` +
        `or install Node ${wantedNode().text} and pnpm yourself.`
    )
  }
}

/** The Node and pnpm to run with, installing them into .toolchain/ when the machine lacks them. */
const resolveTools = () => {
  const wanted = wantedNode()
  let node = process.execPath
  let nodeFrom = "this machine"
  if (!atLeast(versionOf(process.version), wanted)) {
    say(`This is Node ${process.version}; the project needs Node ${wanted.text}.`)
    ensureToolchain()
    node = Path.join(toolchainBin, "node")
    nodeFrom = ".toolchain/"
  }
  // The pnpm that runs this script (`pnpm test`), else one on PATH, else the pinned one.
  let pnpm
  let pnpmFrom = "this machine"
  if (/^pnpm\//.test(process.env.npm_config_user_agent ?? "") && process.env.npm_execpath) {
    pnpm = [node, process.env.npm_execpath]
  } else if (onPath("pnpm") !== undefined && !onPath("pnpm").startsWith(toolchainDir)) {
    pnpm = [onPath("pnpm")]
  } else {
    ensureToolchain()
    pnpm = [node, Path.join(toolchainDir, "node_modules", "pnpm", "bin", "pnpm.cjs")]
    pnpmFrom = ".toolchain/"
  }
  const env = { ...process.env, PATH: [Path.dirname(node), process.env.PATH].join(Path.delimiter) }
  // As pnpm does for its scripts: tells the commands below (the pack test runs pnpm) which pnpm runs them.
  if (pnpm.length === 2) env.npm_execpath = pnpm[1]
  const nodeVersion = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim()
  const pnpmVersion = spawnSync(pnpm[0], [...pnpm.slice(1), "--version"], { encoding: "utf8", env }).stdout.trim()
  if (pnpmVersion === "") stop(`pnpm (${pnpm.join(" ")}) did not start. Remove .toolchain/ and run this again.`)
  say(`Node ${nodeVersion} (${nodeFrom}), pnpm ${pnpmVersion} (${pnpmFrom}).`)
  return { node, pnpm, env }
}

/** Runs a command to its end, forwarding Ctrl-C and termination to it; resolves with its exit code. */
const run = (tools, command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env: tools.env })
    const forward = (signal) => child.kill(signal)
    const signals = ["SIGINT", "SIGTERM", "SIGHUP"]
    for (const signal of signals) process.on(signal, forward)
    child.on("error", (error) => {
      say(`Could not start ${command}: ${error.message}`)
      resolve(1)
    })
    child.on("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward)
      resolve(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 130 : 1))
    })
  })

const pnpm = (tools, args) => run(tools, tools.pnpm[0], [...tools.pnpm.slice(1), ...args])

/** Runs one step; on failure prints what to do and exits with the step's code. */
const step = async (tools, title, args, onFailure) => {
  say(`${title}: pnpm ${args.join(" ")}`)
  const code = await pnpm(tools, args)
  if (code !== 0) stop(`${title} failed (exit code ${code}). ${onFailure}`, code)
}

const install = (tools) =>
  step(
    tools,
    "Dependencies",
    ["install", "--frozen-lockfile"],
    "If it says the lockfile is out of date, a package.json changed: run `pnpm install` and commit pnpm-lock.yaml. " +
      "For a network error, check the connection and run the command again."
  )

const [command, ...rest] = process.argv.slice(2)
const hintPnpm = (args) => `\`pnpm ${args}\` (without pnpm on PATH: \`node scripts/run.mjs pnpm ${args}\`)`

switch (command) {
  case "test": {
    const tools = resolveTools()
    await install(tools)
    await step(tools, "Lint", ["run", "lint"], `Fix what it reports; ${hintPnpm("format")} fixes formatting.`)
    await step(tools, "Typecheck", ["run", "typecheck"], "Fix the type errors above.")
    await step(
      tools,
      "Tests",
      ["exec", "vitest", "run", ...rest],
      `See the failures above; ${hintPnpm("vitest run <file>")} runs one file again.`
    )
    say("Lint, typecheck and every test suite passed.")
    break
  }
  case "demo": {
    const tools = resolveTools()
    await install(tools)
    say("Demo: pnpm --filter @support-policy/example-http-server start (Ctrl-C stops it)")
    // pnpm's own reporter would call a Ctrl-C a failure; the demo prints its own errors
    const demo = ["--reporter=silent", "--filter", "@support-policy/example-http-server", "start"]
    const code = await pnpm(tools, demo)
    if (code === 130 || code === 143) process.exit(0)
    if (code !== 0) stop(`The demo stopped with exit code ${code}: see its message above.`, code)
    break
  }
  case "pnpm": {
    const tools = resolveTools()
    process.exitCode = await pnpm(tools, rest)
    break
  }
  case "toolchain": {
    ensureToolchain()
    process.stdout.write(`${toolchainBin}\n`)
    break
  }
  default:
    stop(
      `Unknown command "${command ?? ""}". Usage: node scripts/run.mjs test [vitest args] | demo | pnpm <args> | toolchain`,
      2
    )
}
