/**
 * Reading V8 CPU profiles (`node --cpu-prof` writes them as `.cpuprofile` JSON): self time aggregated by function and
 * by package, within a time window, so a bench can print the top frames of the part of a run it measured.
 *
 * A profile's timestamps (`startTime`, `timeDeltas`) are microseconds on the monotonic clock that
 * `process.hrtime.bigint()` reads, so a process can mark a window with `process.hrtime.bigint() / 1000n`.
 */

/** The parts of a `.cpuprofile` that the aggregation reads. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number
    readonly callFrame: {
      readonly functionName: string
      readonly url: string
      readonly lineNumber: number
      readonly columnNumber: number
    }
  }>
  readonly startTime: number
  readonly endTime: number
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/** A time window in microseconds on the profile's clock. */
export interface Window {
  readonly startUs: number
  readonly endUs: number
}

export interface Entry {
  readonly name: string
  readonly selfUs: number
}

export interface Summary {
  /** Time sampled in the window, idle included. */
  readonly totalUs: number
  /** Time the thread waited for work (`(idle)`). */
  readonly idleUs: number
  /** Self time by function (`name file:line`), largest first; idle left out. */
  readonly byFunction: ReadonlyArray<Entry>
  /** Self time by package, largest first; idle left out. */
  readonly byPackage: ReadonlyArray<Entry>
}

/**
 * The package a script belongs to: the npm package under the last `node_modules/` of its path, a workspace package
 * as `@support-policy/<folder>`, Node's own modules as `node`, and V8's pseudo-frames by their name.
 */
export const packageOf = (url: string, functionName: string): string => {
  if (url === "") {
    if (functionName === "(garbage collector)") return "(garbage collector)"
    if (functionName === "(program)") return "(program: native code)"
    return "(V8 builtins)"
  }
  if (url.startsWith("node:")) return "node"
  const modules = url.lastIndexOf("/node_modules/")
  if (modules >= 0) {
    const rest = url.slice(modules + "/node_modules/".length).split("/")
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  const workspace = /\/(packages|examples)\/([^/]+)\//.exec(url)
  if (workspace !== null) {
    return workspace[1] === "packages" ? `@support-policy/${workspace[2]}` : `examples/${workspace[2]}`
  }
  return url
}

/** `PgCaseStore.ts:120`: the file name and line of a script URL, shorter than the URL. */
const where = (url: string, line: number): string => {
  if (url === "") return ""
  const file = url.startsWith("node:") ? url : (url.split("/").pop() ?? url)
  return `${file}:${line + 1}`
}

const sorted = (totals: Map<string, number>): ReadonlyArray<Entry> =>
  Array.from(totals, ([name, selfUs]) => ({ name, selfUs })).sort((a, b) => b.selfUs - a.selfUs)

/**
 * Self time by function and by package of the samples taken in `window` (the whole profile when none). A sample's
 * time is the delta to the next sample, as Chrome's DevTools count it.
 */
export const summarize = (profile: CpuProfile, window?: Window): Summary => {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  let totalUs = 0
  let idleUs = 0
  let t = profile.startTime
  const n = profile.samples.length
  for (let i = 0; i < n; i++) {
    t += profile.timeDeltas[i]
    const next = i + 1 < n ? t + profile.timeDeltas[i + 1] : profile.endTime
    const us = Math.max(0, next - t)
    if (window !== undefined && (t < window.startUs || t >= window.endUs)) continue
    const frame = nodes.get(profile.samples[i])
    if (frame === undefined) continue
    totalUs += us
    if (frame.functionName === "(idle)") {
      idleUs += us
      continue
    }
    const name = `${frame.functionName === "" ? "(anonymous)" : frame.functionName} ${where(frame.url, frame.lineNumber)}`
    byFunction.set(name.trimEnd(), (byFunction.get(name.trimEnd()) ?? 0) + us)
    const pkg = packageOf(frame.url, frame.functionName)
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us)
  }
  return { totalUs, idleUs, byFunction: sorted(byFunction), byPackage: sorted(byPackage) }
}

/** The top `count` entries as `  12.3%  name` lines, each a share of the busy (non-idle) time. */
export const formatTop = (entries: ReadonlyArray<Entry>, busyUs: number, count: number): string =>
  entries
    .slice(0, count)
    .map((e) => `${`${((e.selfUs / busyUs) * 100).toFixed(1)}%`.padStart(7)}  ${e.name}`)
    .join("\n")
