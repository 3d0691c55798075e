/**
 * The schedule of the periodic tasks a support desk's workers share (the idle-case and retention sweeps of clauses
 * 6.3 and 7.4, outbox delivery, a host's own): when each task runs next, and who holds the run now. A port, so that
 * every process of a host runs each period's run once: a worker claims a due task with a lease (`FOR UPDATE SKIP
 * LOCKED` on PostgreSQL), renews the lease while it runs, and completes the run by moving the task to its next
 * period. A worker that dies mid-run lets its lease run out, and the period's run is claimed again.
 *
 * Instants are epoch milliseconds given by the caller, so the store needs no clock; a claim's `token` (random, from
 * the caller) fences renewals and completions: only the holder of the current lease can renew or complete it.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as memory from "./internal/memoryStore.ts"

/**
 * A task to schedule: its name (unique across the host's workers) and its period.
 *
 * @since 0.1.0
 * @category models
 */
export interface TaskSpec {
  readonly name: string
  readonly periodMillis: number
}

/**
 * A run handed to a worker: the task, the instant of the period it runs for, and the lease's token.
 *
 * @since 0.1.0
 * @category models
 */
export interface Claim {
  readonly name: string
  readonly periodMillis: number
  /** The instant this run was scheduled for (epoch ms): the start of its period. */
  readonly scheduledAt: number
  readonly token: string
}

/**
 * The schedule of a task.
 *
 * @since 0.1.0
 * @category models
 */
export interface TaskState {
  readonly name: string
  readonly periodMillis: number
  /** When the next run is due (epoch ms). */
  readonly nextRunAt: number
  /** Until when the current run's lease holds (epoch ms; in the past when no run holds it). */
  readonly leaseUntil: number
  /** How many runs completed. */
  readonly runs: number
  /** The period instant of the last completed run. */
  readonly lastRunAt: number | null
  /** The error of the last completed run, if it failed. */
  readonly lastError: string | null
}

/**
 * A storage failure of the task store. `cause` keeps the driver's error.
 *
 * @since 0.1.0
 * @category errors
 */
export class TaskStoreFailure extends Schema.TaggedError<TaskStoreFailure>()("TaskStoreFailure", {
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * The task store port.
 *
 * @since 0.1.0
 * @category services
 */
export class TaskStore extends Context.Service<
  TaskStore,
  {
    /**
     * Makes the tasks known: a new one is due at `now`; a known one keeps its schedule and takes the period given.
     * Safe to call from every worker at start.
     */
    readonly register: (tasks: ReadonlyArray<TaskSpec>, now: number) => Effect.Effect<void, TaskStoreFailure>
    /**
     * Claims one due task among `names` (next run at or before `now`, no lease holding it), the earliest due first
     * (then by name): its lease now holds until `now + leaseMillis` under `token`. None when nothing is due. Two
     * concurrent claims never get the same run.
     */
    readonly claim: (options: {
      readonly names: ReadonlyArray<string>
      readonly now: number
      readonly leaseMillis: number
      readonly token: string
    }) => Effect.Effect<Option.Option<Claim>, TaskStoreFailure>
    /** Extends a claim's lease to `now + leaseMillis`. False when the lease was lost (expired and claimed again). */
    readonly renew: (
      claim: Claim,
      options: { readonly now: number; readonly leaseMillis: number }
    ) => Effect.Effect<boolean, TaskStoreFailure>
    /**
     * Completes a claim's run: the task is next due at `nextRunAt`, its lease ends, and the run is counted (with its
     * error, if it failed). False, and nothing changes, when the lease was lost.
     */
    readonly complete: (
      claim: Claim,
      options: { readonly nextRunAt: number; readonly error: string | null }
    ) => Effect.Effect<boolean, TaskStoreFailure>
    /** A task's schedule. */
    readonly get: (name: string) => Effect.Effect<Option.Option<TaskState>, TaskStoreFailure>
  }
>()("@support-policy/core/TaskStore") {}

const die = (operation: string, problems: ReadonlyArray<string>): Effect.Effect<never> =>
  Effect.die(new Error(`TaskStore.${operation}: ${problems.join("; ")}`))

const isInstant = (n: number) => Number.isSafeInteger(n)
const isPositive = (n: number) => Number.isSafeInteger(n) && n > 0

/**
 * Checks tasks to register: non-empty distinct names, positive whole periods, a whole `now`. Dies naming the field
 * when not (a defect of the caller). Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateRegister = (tasks: ReadonlyArray<TaskSpec>, now: number): Effect.Effect<void> => {
  const problems: Array<string> = []
  const seen = new Set<string>()
  tasks.forEach((task, i) => {
    if (task.name.length === 0) problems.push(`tasks[${i}].name: must not be empty`)
    if (seen.has(task.name)) problems.push(`tasks[${i}].name: "${task.name}" appears twice`)
    seen.add(task.name)
    if (!isPositive(task.periodMillis)) {
      problems.push(`tasks[${i}].periodMillis: expected a positive integer, got ${task.periodMillis}`)
    }
  })
  if (!isInstant(now)) problems.push(`now: expected epoch milliseconds, got ${now}`)
  return problems.length === 0 ? Effect.void : die("register", problems)
}

/**
 * Checks the options of a claim: a whole `now`, a positive whole `leaseMillis`, a non-empty `token`. Dies naming the
 * field when not. Adapters call it first.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateClaim = (options: {
  readonly now: number
  readonly leaseMillis: number
  readonly token: string
}): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (!isInstant(options.now)) problems.push(`now: expected epoch milliseconds, got ${options.now}`)
  if (!isPositive(options.leaseMillis)) {
    problems.push(`leaseMillis: expected a positive integer, got ${options.leaseMillis}`)
  }
  if (options.token.length === 0) problems.push("token: must not be empty")
  return problems.length === 0 ? Effect.void : die("claim", problems)
}

/**
 * The next run of a task after a run for `scheduledAt` that finished at `now`: the next period start after `now`, so
 * periods missed while no worker ran are run once, not once each.
 *
 * @since 0.1.0
 * @category combinators
 */
export const nextRunAfter = (scheduledAt: number, periodMillis: number, now: number): number =>
  scheduledAt + periodMillis * Math.max(1, Math.floor((now - scheduledAt) / periodMillis) + 1)

const stateOf = (name: string, entry: memory.TaskEntry): TaskState => ({
  name,
  periodMillis: entry.periodMillis,
  nextRunAt: entry.nextRunAt,
  leaseUntil: entry.leaseUntil,
  runs: entry.runs,
  lastRunAt: entry.lastRunAt,
  lastError: entry.lastError
})

/**
 * The in-memory task store, on the state the other memory stores share (`MemoryStorage.layerMemory` gives it with
 * them): for tests and single-process hosts.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<TaskStore, never, memory.MemoryStore> = Layer.effect(
  TaskStore,
  Effect.gen(function* () {
    const state = yield* memory.MemoryStore
    const held = (claim: Claim) => {
      const entry = state.tasks.get(claim.name)
      return entry !== undefined && entry.leaseToken === claim.token ? entry : undefined
    }
    return TaskStore.of({
      register: (tasks, now) =>
        Effect.flatMap(validateRegister(tasks, now), () =>
          Effect.sync(() => {
            for (const task of tasks) {
              const entry = state.tasks.get(task.name)
              if (entry !== undefined) entry.periodMillis = task.periodMillis
              else {
                state.tasks.set(task.name, {
                  periodMillis: task.periodMillis,
                  nextRunAt: now,
                  leaseUntil: 0,
                  leaseToken: null,
                  runs: 0,
                  lastRunAt: null,
                  lastError: null
                })
              }
            }
          })
        ),
      claim: (options) =>
        Effect.flatMap(validateClaim(options), () =>
          Effect.sync(() => {
            let found: { readonly name: string; readonly entry: memory.TaskEntry } | undefined
            for (const name of options.names) {
              const entry = state.tasks.get(name)
              if (entry === undefined || entry.nextRunAt > options.now || entry.leaseUntil > options.now) continue
              if (
                found === undefined ||
                entry.nextRunAt < found.entry.nextRunAt ||
                (entry.nextRunAt === found.entry.nextRunAt && memory.compareIds(name, found.name) < 0)
              ) {
                found = { name, entry }
              }
            }
            if (found === undefined) return Option.none()
            found.entry.leaseUntil = options.now + options.leaseMillis
            found.entry.leaseToken = options.token
            return Option.some({
              name: found.name,
              periodMillis: found.entry.periodMillis,
              scheduledAt: found.entry.nextRunAt,
              token: options.token
            })
          })
        ),
      renew: (claim, options) =>
        Effect.sync(() => {
          const entry = held(claim)
          if (entry === undefined) return false
          entry.leaseUntil = options.now + options.leaseMillis
          return true
        }),
      complete: (claim, options) =>
        Effect.sync(() => {
          const entry = held(claim)
          if (entry === undefined) return false
          entry.nextRunAt = options.nextRunAt
          entry.leaseUntil = 0
          entry.leaseToken = null
          entry.runs++
          entry.lastRunAt = claim.scheduledAt
          entry.lastError = options.error
          return true
        }),
      get: (name) =>
        Effect.sync(() => Option.map(Option.fromNullishOr(state.tasks.get(name)), (entry) => stateOf(name, entry)))
    })
  })
)
