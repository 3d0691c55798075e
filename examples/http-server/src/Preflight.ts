/**
 * What the demo checks before it loads anything heavy, so a mistake costs a second and one line: the port is free,
 * and no other demo process uses the PGlite data folder (a lock file beside it, `<folder>.lock`, holding the pid of
 * the process that opened it). Only Node's own modules: `pnpm demo` runs these before it loads the desk.
 */
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"

/** Why the demo could not start, in one line for the console (a folder in use, a port in use). */
export class DemoStartError extends Error {}

/**
 * The port in the environment variable `name`, or `fallback` when it is unset or empty; a value that is not a port
 * (digits, from `min` to 65535: 0 is any free one for a port to listen on, so a port to connect to starts at 1) is
 * refused with a message that names the variable.
 */
export const portFromEnvironment = (name: string, fallback: number, min: 0 | 1 = 0): number => {
  const value = process.env[name]
  if (value === undefined || value === "") return fallback
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN
  if (!(port >= min && port <= 65_535)) {
    throw new DemoStartError(`${name} must be a whole number from ${min} to 65535, got "${value}"`)
  }
  return port
}

/** `check()`'s answer; when it refuses, its message on stderr and exit code 2 (a command's mistake, not a crash). */
export const orExit = <A>(check: () => A): A => {
  try {
    return check()
  } catch (error) {
    if (!(error instanceof DemoStartError)) throw error
    console.error(error.message)
    process.exit(2)
  }
}

/**
 * Locks the PGlite folder `dataDir` for this process: a file `<dataDir>.lock` created exclusively, holding the pid.
 * A lock left by a process that no longer runs is taken over. Returns the release.
 */
export const lockDataDir = (dataDir: string): (() => void) => {
  const lockFile = `${Path.resolve(dataDir)}.lock`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      Fs.mkdirSync(Path.dirname(lockFile), { recursive: true })
      Fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" })
      let released = false
      return () => {
        if (released) return
        released = true
        Fs.rmSync(lockFile, { force: true })
      }
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error
      const pid = Number(Fs.readFileSync(lockFile, "utf8").trim())
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
        throw new DemoStartError(
          `Another demo (pid ${pid}) is using the data folder ${Path.resolve(dataDir)}: stop it first, or set ` +
            "DEMO_DATA_DIR to another folder."
        )
      }
      // left by a process that is gone: take it over
      Fs.rmSync(lockFile, { force: true })
    }
  }
  throw new DemoStartError(`Could not lock the data folder ${Path.resolve(dataDir)} (${lockFile})`)
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === "EPERM"
  }
}

/** Fails with one line when `port` on `host` cannot be listened on (in use, not allowed), before anything is opened. */
export const checkPort = (port: number, host: string): Promise<void> =>
  new Promise((resolve, reject) => {
    if (port === 0) return resolve()
    const probe = Net.createServer()
    probe.once("error", (error: Error & { code?: string }) =>
      reject(
        new DemoStartError(
          error.code === "EADDRINUSE"
            ? `Port ${port} on ${host} is in use: stop what is listening there, or set PORT to another port.`
            : `Cannot listen on ${host}:${port} (${error.code ?? error.message}): set HOST or PORT.`
        )
      )
    )
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()))
  })

/** A port free on `host` now (the system picks it), for a server that must know its port before it listens. */
export const freePort = (host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = Net.createServer()
    probe.once("error", reject)
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

/** Fails when another running process holds the lock of `dataDir` (without taking it). */
export const checkDataDirLock = (dataDir: string): void => {
  const lockFile = `${Path.resolve(dataDir)}.lock`
  if (!Fs.existsSync(lockFile)) return
  const pid = Number(Fs.readFileSync(lockFile, "utf8").trim())
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
    throw new DemoStartError(
      `Another demo (pid ${pid}) is using the data folder ${Path.resolve(dataDir)}: stop it first, or set ` +
        "DEMO_DATA_DIR to another folder."
    )
  }
}
