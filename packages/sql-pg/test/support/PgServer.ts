/**
 * Starts a throw-away PostgreSQL server for the tests and the bench: `initdb` in a temp folder, then `pg_ctl start`
 * listening on a unix socket in that folder and on a free loopback port. PostgreSQL refuses to run as root, so as root
 * the folder is given to the `postgres` user and every command runs through `runuser -u postgres --`.
 *
 * Plain Node (no Effect): it runs in vitest's globalSetup and in the bench's entry point.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"

/** Where a running server can be reached. */
export interface Endpoint {
  /** The folder holding the unix socket `.s.PGSQL.<port>`. */
  readonly socketDir: string
  readonly host: "127.0.0.1"
  readonly port: number
  readonly username: "postgres"
  readonly database: "postgres"
}

export interface Server extends Endpoint {
  readonly dataDir: string
  readonly logFile: string
  readonly binDir: string
  /**
   * Stops the server and starts it again on the same port. `"immediate"` is a crash as far as the data is concerned:
   * PostgreSQL exits without a checkpoint and recovers from its write-ahead log on the next start.
   */
  readonly restart: (mode: "immediate" | "fast") => Promise<void>
  /** Stops the server (fast shutdown) and removes its folder. */
  readonly stop: () => void
}

export interface StartOptions {
  /**
   * `"fast"` for tests (no fsync: a crash of the test machine loses nothing we care about); `"durable"` keeps
   * PostgreSQL's defaults (fsync, synchronous_commit, full_page_writes) for the bench.
   */
  readonly durability: "fast" | "durable"
  /** Extra `-c name=value` settings. */
  readonly settings?: Readonly<Record<string, string>>
}

const candidateBinDirs = (): ReadonlyArray<string> => {
  const dirs: Array<string> = []
  if (process.env.PG_BIN_DIR) dirs.push(process.env.PG_BIN_DIR)
  for (const dir of (process.env.PATH ?? "").split(Path.delimiter)) if (dir) dirs.push(dir)
  const debian = "/usr/lib/postgresql"
  if (Fs.existsSync(debian)) {
    const versions = Fs.readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
    for (const v of versions) dirs.push(Path.join(debian, v, "bin"))
  }
  return dirs
}

/**
 * The folder holding `initdb`, `pg_ctl` and `postgres`, or a message saying where we looked. Symlinks (such as
 * `/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb`) are resolved so the three come from one install.
 */
export const findBinDir = (): { readonly binDir: string } | { readonly missing: string } => {
  const dirs = candidateBinDirs()
  for (const dir of dirs) {
    const initdb = Path.join(dir, "initdb")
    if (!Fs.existsSync(initdb)) continue
    const real = Path.dirname(Fs.realpathSync(initdb))
    if (["pg_ctl", "postgres"].every((bin) => Fs.existsSync(Path.join(real, bin)))) return { binDir: real }
  }
  return {
    missing:
      "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in $PG_BIN_DIR, $PATH or /usr/lib/postgresql/*/bin. " +
      "Install them (Debian/Ubuntu: `apt-get install -y postgresql`; .ci/run does this) or point PG_BIN_DIR at them."
  }
}

/** A free loopback TCP port (a small race with other processes is possible; `start` retries). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const isRoot = (): boolean => typeof process.getuid === "function" && process.getuid() === 0

/** `runuser` (util-linux) lives in an sbin folder, which the PATH of a user or a script may leave out. */
const runuser = (): string => {
  for (const dir of [...(process.env.PATH ?? "").split(Path.delimiter), "/usr/sbin", "/sbin"]) {
    if (dir !== "" && Fs.existsSync(Path.join(dir, "runuser"))) return Path.join(dir, "runuser")
  }
  return "runuser"
}

const command = (binDir: string, bin: string, args: ReadonlyArray<string>): [string, Array<string>] => {
  const file = Path.join(binDir, bin)
  return isRoot() ? [runuser(), ["-u", "postgres", "--", file, ...args]] : [file, [...args]]
}

/** Runs a PostgreSQL binary, as `postgres` when we are root. Rejects with its output on failure. */
const run = (binDir: string, bin: string, args: ReadonlyArray<string>): Promise<string> =>
  new Promise((resolve, reject) => {
    const [file, argv] = command(binDir, bin, args)
    execFile(file, argv, { encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${bin} ${args.join(" ")} failed (${error.message}):\n${stdout}\n${stderr}`))
      else resolve(stdout)
    })
  })

/** The same, blocking: for stopping the server from an exit handler. */
const runSync = (binDir: string, bin: string, args: ReadonlyArray<string>): void => {
  const [file, argv] = command(binDir, bin, args)
  const result = spawnSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  if (result.status !== 0) {
    throw new Error(`${bin} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`)
  }
}

/** Starts a server. Throws with a clear message when the binaries are missing or the server fails to start. */
export const start = async (options: StartOptions): Promise<Server> => {
  const found = findBinDir()
  if ("missing" in found) throw new Error(found.missing)
  const { binDir } = found
  if (isRoot()) {
    const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" })
    if (id.status !== 0) {
      throw new Error(
        "Running as root, and PostgreSQL refuses to run as root, but there is no `postgres` user to run it as " +
          "(the Debian `postgresql` package creates it)."
      )
    }
  }

  // A short path: unix socket paths are limited to ~107 bytes.
  const root = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sp-pg-"))
  if (isRoot()) execFileSync("chown", ["postgres:", root])
  const dataDir = Path.join(root, "data")
  const logFile = Path.join(root, "server.log")
  const cleanup = () => Fs.rmSync(root, { recursive: true, force: true })

  try {
    await run(binDir, "initdb", [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-instructions",
      ...(options.durability === "fast" ? ["--no-sync"] : [])
    ])
    const settings: Record<string, string> = {
      listen_addresses: "127.0.0.1",
      unix_socket_directories: root,
      max_connections: "200",
      // the 2-core machines are shared: keep the server small
      shared_buffers: "128MB",
      ...(options.durability === "fast" ? { fsync: "off", full_page_writes: "off" } : {}),
      ...options.settings
    }
    let lastError: unknown
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort()
      const flags = Object.entries({ ...settings, port: String(port) })
        .map(([k, v]) => `-c ${k}=${v}`)
        .join(" ")
      try {
        await run(binDir, "pg_ctl", ["-D", dataDir, "-l", logFile, "-w", "-t", "60", "-o", flags, "start"])
      } catch (error) {
        lastError = error
        const log = Fs.existsSync(logFile) ? Fs.readFileSync(logFile, "utf8") : ""
        if (/could not bind|address already in use/i.test(log)) continue
        throw new Error(`${(error as Error).message}\n--- server log ---\n${log}`)
      }
      let stopped = false
      const startArgs = ["-D", dataDir, "-l", logFile, "-w", "-t", "60", "-o", flags, "start"]
      return {
        socketDir: root,
        host: "127.0.0.1",
        port,
        username: "postgres",
        database: "postgres",
        dataDir,
        logFile,
        binDir,
        restart: async (mode) => {
          await run(binDir, "pg_ctl", ["-D", dataDir, "-m", mode, "-w", "stop"])
          await run(binDir, "pg_ctl", startArgs)
        },
        stop: () => {
          if (stopped) return
          stopped = true
          try {
            runSync(binDir, "pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"])
          } finally {
            cleanup()
          }
        }
      }
    }
    throw lastError
  } catch (error) {
    cleanup()
    throw error
  }
}

/** The connection URL of an endpoint, for `PgStorage.layerUrl` (TCP on the loopback port). */
/**
 * The whole database as `pg_dump` writes it (plain SQL: every table's definition and rows), read over TCP on loopback
 * with the `pg_dump` of the server's installation.
 */
export const dump = (endpoint: Endpoint, database: string): Promise<string> => {
  const found = findBinDir()
  if ("missing" in found) return Promise.reject(new Error(found.missing))
  const args = ["--host", endpoint.host, "--port", String(endpoint.port), "--username", endpoint.username]
  return new Promise((resolve, reject) => {
    execFile(
      Path.join(found.binDir, "pg_dump"),
      [...args, "--no-password", "--dbname", database],
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`pg_dump failed: ${error.message}\n${stderr}`)) : resolve(stdout)
    )
  })
}

export const url = (endpoint: Endpoint, database: string = endpoint.database): string =>
  `postgres://${endpoint.username}@${endpoint.host}:${endpoint.port}/${database}`
