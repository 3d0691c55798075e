/**
 * A small benchmark harness: runs a function in a timed loop after a warm-up, takes several samples and reports the
 * median operations per second, and prints aligned tables. Bench modules (`bench/*.ts`) export a {@link BenchModule}
 * as default; `bench/index.ts` runs them in sequence.
 */

/** How long to measure. `pnpm bench --quick` uses {@link quickSettings}. */
export interface Settings {
  /** Time spent calling the function before measuring, to let the JIT settle. */
  readonly warmupMs: number
  /** Target duration of one sample. */
  readonly sampleMs: number
  /** Number of samples; the median is reported. */
  readonly samples: number
}

export const defaultSettings: Settings = { warmupMs: 400, sampleMs: 200, samples: 7 }
export const quickSettings: Settings = { warmupMs: 50, sampleMs: 40, samples: 3 }

export interface Measurement {
  /** Median of the samples, in calls per second. */
  readonly opsPerSecond: number
  /** Each sample in calls per second, sorted. */
  readonly samples: ReadonlyArray<number>
  /** Calls per sample. */
  readonly iterations: number
}

export interface BenchContext {
  readonly settings: Settings
  /** `--profile`: benches that can also save CPU profiles of what they measure, and print their top frames. */
  readonly profile: boolean
  /** Marks the run as failed (exit code 1) with a loud message, without stopping the other benches. */
  readonly fail: (message: string) => void
}

export interface BenchModule {
  readonly name: string
  readonly run: (context: BenchContext) => void | Promise<void>
}

/** Results go here so the optimiser cannot drop the calls. */
let sink: unknown

/** Keeps a value alive; returns it. */
export const consume = <A>(a: A): A => {
  sink = a
  return a
}

const loop = (fn: () => unknown, iterations: number): number => {
  const start = performance.now()
  for (let i = 0; i < iterations; i++) sink = fn()
  return performance.now() - start
}

/** Calls `fn` repeatedly: a warm-up, then `samples` timed batches sized to last about `sampleMs` each. */
export const measure = (fn: () => unknown, settings: Settings): Measurement => {
  // warm-up, which also estimates the cost of one call
  let calls = 0
  let elapsed = 0
  let batch = 1
  while (elapsed < settings.warmupMs) {
    elapsed += loop(fn, batch)
    calls += batch
    batch = Math.min(batch * 2, 1 << 20)
  }
  const iterations = Math.max(1, Math.round((settings.sampleMs * calls) / elapsed))
  const samples: Array<number> = []
  for (let s = 0; s < settings.samples; s++) samples.push((iterations * 1000) / loop(fn, iterations))
  samples.sort((a, b) => a - b)
  if (sink === measure) console.log("unreachable")
  return { opsPerSecond: samples[samples.length >> 1]!, samples, iterations }
}

/** `12,345,678`: a whole number with thousands separators. */
export const formatInteger = (n: number): string => Math.round(n).toLocaleString("en-US")

/** Operations per second with three significant digits: `1.23 M`, `456 k`, `78.9`. */
export const formatOps = (n: number): string => {
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)} M`
  if (n >= 1e3) return `${(n / 1e3).toPrecision(3)} k`
  return n.toPrecision(3)
}

/** A ratio such as `1,234×` or `3.4×`. */
export const formatRatio = (r: number): string => (r >= 100 ? `${formatInteger(r)}×` : `${r.toPrecision(3)}×`)

/** The spread of a measurement: `±4%` (half the range of the middle samples over the median). */
export const formatSpread = (m: Measurement): string => {
  const k = Math.floor(m.samples.length / 4)
  const lo = m.samples[k]!
  const hi = m.samples[m.samples.length - 1 - k]!
  return `±${Math.round(((hi - lo) / 2 / m.opsPerSecond) * 100)}%`
}

/** An aligned text table; columns whose header starts with a space are right-aligned. */
export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = headers.map((h, i) => Math.max(h.trim().length, ...rows.map((r) => (r[i] ?? "").length)))
  const right = headers.map((h) => h.startsWith(" "))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd()
  return [line(headers.map((h) => h.trim())), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n")
}

/** A banner for a bench module's output. */
export const heading = (title: string): string => `\n${title}\n${"=".repeat(title.length)}`
