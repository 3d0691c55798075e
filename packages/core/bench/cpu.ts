/**
 * CPU time, to tell apart who spends a request's cost on a shared machine: this process (`process.cpuUsage()`), and
 * another process with its children (a PostgreSQL server: the postmaster and its backends), read from `/proc` on
 * Linux. Rates say how fast; CPU per operation says how much work, whatever else the cores are doing.
 */
import * as Fs from "node:fs"

/** Microseconds of CPU time (user + system) this process used so far. */
export const selfUs = (): number => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

const ticksPerSecond = 100 // USER_HZ: 100 on every Linux that Node supports

/** `[ppid, own user+system ticks, reaped children's user+system ticks]` of a process, from `/proc/<pid>/stat`. */
const stat = (pid: number): readonly [number, number, number] | undefined => {
  try {
    const text = Fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    // the command name (field 2) may hold spaces and parentheses: split after its closing parenthesis
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ")
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17
    return [Number(fields[1]), Number(fields[11]) + Number(fields[12]), Number(fields[13]) + Number(fields[14])]
  } catch {
    return undefined
  }
}

/**
 * Microseconds of CPU time used so far by process `pid`, its live children, and the children it reaped (10 ms
 * resolution). Undefined where `/proc` cannot be read (not Linux).
 */
export const treeUs = (pid: number): number | undefined => {
  const root = stat(pid)
  if (root === undefined) return undefined
  let ticks = root[1] + root[2]
  for (const entry of Fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const child = stat(Number(entry))
    if (child !== undefined && child[0] === pid) ticks += child[1]
  }
  return (ticks * 1_000_000) / ticksPerSecond
}

/** The postmaster's process id of a PostgreSQL data folder (first line of `postmaster.pid`). */
export const postmasterPid = (dataDir: string): number | undefined => {
  try {
    const pid = Number(Fs.readFileSync(`${dataDir}/postmaster.pid`, "utf8").split("\n")[0])
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** `123 µs` or `1.23 ms`: a CPU time per operation. */
export const formatCpu = (us: number | undefined): string =>
  us === undefined || Number.isNaN(us) ? "n/a" : us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${Math.round(us)} µs`
