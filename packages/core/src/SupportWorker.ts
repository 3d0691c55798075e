/**
 * The support desk's background work, as one layer a host adds to any number of its processes: the SLA watcher that
 * fires warnings, breaches and escalations on time (`SupportDesk.fireAlerts`, clauses 6.1–6.3), and the periodic
 * tasks — the idle-case sweep (6.3), the retention sweep (7.4), and whatever the host registers, such as outbox
 * delivery.
 *
 * Nothing here depends on the process it runs in: the state lives in the store. The watcher claims due cases with a
 * lease (`CaseStore.claimAlerts`), so each process takes its share and a process that dies leaves its cases to the
 * others once the lease runs out. Each periodic task is claimed per period from the `TaskStore` with a lease that the
 * running process renews, so each period's run happens once across all processes, and a run cut short by a crash is
 * run again. There is no leader and no in-process timer whose work a restart would lose: a process only sleeps
 * between polls of the store.
 *
 * ```ts
 * const worker = SupportWorker.layer({
 *   tasks: [EmailDelivery.task(deliveryOptions)] // outbox delivery every second (`@support-policy/email`)
 * })
 * // in every process that should do background work
 * Layer.launch(worker.pipe(Layer.provide(desk), Layer.provide(storage)))
 * ```
 *
 * @since 0.1.0
 */
import { Cause, Clock, Context, Duration, Effect, Exit, Fiber, Layer, Option, Schedule } from "effect"
import * as Randomness from "./Randomness.ts"
import * as SupportDesk from "./SupportDesk.ts"
import * as TaskStore from "./TaskStore.ts"

// -------------------------------------------------------------------------------------------------------------------
// tasks
// -------------------------------------------------------------------------------------------------------------------

/**
 * The run of a periodic task in progress: its task and the instant of the period it runs for. Provided to the
 * task's effect.
 *
 * @since 0.1.0
 * @category services
 */
export class CurrentRun extends Context.Service<CurrentRun, { readonly name: string; readonly scheduledAt: number }>()(
  "@support-policy/core/SupportWorker/CurrentRun"
) {}

/**
 * A periodic task: a name unique across the host's workers (it keys the task's schedule in the `TaskStore`), its
 * period, and the effect of one run (which may read {@link CurrentRun}). A run that fails is logged and counted; the
 * next period runs as usual. `lease`, when given, is this task's lease instead of the worker's `taskLease`: how long
 * the other processes wait for a run whose process died (a short task with a short period wants a short lease).
 *
 * @since 0.1.0
 * @category models
 */
export interface Task<R = never> {
  readonly name: string
  readonly every: Duration.Input
  readonly run: Effect.Effect<unknown, unknown, R | CurrentRun>
  readonly lease?: Duration.Input | undefined
}

/**
 * A periodic task (see {@link Task}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const task = <A, E, R>(
  name: string,
  every: Duration.Input,
  run: Effect.Effect<A, E, R>,
  options?: { readonly lease?: Duration.Input | undefined }
): Task<Exclude<R, CurrentRun>> => ({
  name,
  every,
  run: run as Effect.Effect<A, E, Exclude<R, CurrentRun> | CurrentRun>,
  ...(options?.lease === undefined ? {} : { lease: options.lease })
})

/**
 * The name of the idle-case sweep (`SupportDesk.closeIdle`, clause 6.3).
 *
 * @since 0.1.0
 * @category constants
 */
export const closeIdleTask = "support-desk/close-idle"

/**
 * The name of the retention sweep (`SupportDesk.applyRetention`, clause 7.4).
 *
 * @since 0.1.0
 * @category constants
 */
export const retentionTask = "support-desk/retention"

// -------------------------------------------------------------------------------------------------------------------
// options
// -------------------------------------------------------------------------------------------------------------------

/**
 * How the SLA watcher runs: `SupportDesk.fireAlerts`'s options, and how long it sleeps when no case is due. An alert
 * fires within about `pollInterval` of its instant while the watchers keep up, and within `leaseMillis` more when the
 * process that claimed its case dies.
 *
 * @since 0.1.0
 * @category models
 */
export interface AlertOptions extends SupportDesk.FireAlertsOptions {
  /** How long to wait between rounds that found fewer due cases than `limit` (default 1 second). */
  readonly pollInterval?: Duration.Input | undefined
}

/**
 * Options of the worker.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<R = never> {
  /** The SLA watcher's options, or `false` for a worker without it. */
  readonly alerts?: AlertOptions | false | undefined
  /** The period of the idle-case sweep (default 1 minute), or `false` to leave it out. */
  readonly closeIdle?: Duration.Input | false | undefined
  /** The period of the retention sweep (default 1 hour), or `false` to leave it out. */
  readonly retention?: Duration.Input | false | undefined
  /** The host's own periodic tasks (outbox delivery, reports, …). */
  readonly tasks?: ReadonlyArray<Task<R>> | undefined
  /**
   * How long to wait before asking again whether a task is due when the store cannot say when (default 1 second).
   * Otherwise a worker sleeps until the task's next run, or until the lease of the process running it ends.
   */
  readonly taskPollInterval?: Duration.Input | undefined
  /**
   * How long a claimed run is held from other processes without a renewal (default 30 seconds). The running process
   * renews it every third of this, so only a dead process loses it; its run starts again elsewhere after this. A task
   * that sets its own `lease` (see {@link Task}) uses that instead.
   */
  readonly taskLease?: Duration.Input | undefined
}

const millisOf = (what: string, input: Duration.Input): number => {
  const ms = Duration.toMillis(input)
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`SupportWorker: ${what}: expected a positive duration`)
  return Math.round(ms)
}

/**
 * The periodic tasks a worker with these options runs: the desk's sweeps (unless left out), then the host's.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tasksOf = <R>(options?: Options<R>): ReadonlyArray<Task<R | SupportDesk.SupportDesk>> => {
  const tasks: Array<Task<R | SupportDesk.SupportDesk>> = []
  if (options?.closeIdle !== false) {
    tasks.push(
      task(
        closeIdleTask,
        options?.closeIdle ?? "1 minute",
        Effect.gen(function* () {
          const closed = yield* (yield* SupportDesk.SupportDesk).closeIdle()
          if (closed.length > 0) yield* Effect.logInfo(`SupportWorker: closed ${closed.length} idle case(s)`)
        })
      )
    )
  }
  if (options?.retention !== false) {
    tasks.push(
      task(
        retentionTask,
        options?.retention ?? "1 hour",
        Effect.gen(function* () {
          const anonymised = yield* (yield* SupportDesk.SupportDesk).applyRetention()
          if (anonymised.length > 0) yield* Effect.logInfo(`SupportWorker: anonymised ${anonymised.length} case(s)`)
        })
      )
    )
  }
  tasks.push(...(options?.tasks ?? []))
  return tasks
}

// -------------------------------------------------------------------------------------------------------------------
// loops
// -------------------------------------------------------------------------------------------------------------------

/** Logs a failure (never an interruption) and goes on with `fallback`. */
const logged =
  <B>(message: string, fallback: B) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A | B, never, R> =>
    Effect.catchCauseIf(
      self,
      (cause) => !Cause.hasInterruptsOnly(cause),
      (cause) => Effect.as(Effect.logWarning(message, cause), fallback)
    ) as Effect.Effect<A | B, never, R>

/**
 * The SLA watcher: rounds of `SupportDesk.fireAlerts`, back to back while they find a full batch of due cases, one
 * `pollInterval` apart otherwise. A failed round is logged and the next one tries again. Runs until interrupted.
 *
 * @since 0.1.0
 * @category workers
 */
export const watchAlerts = (options?: AlertOptions): Effect.Effect<never, never, SupportDesk.SupportDesk> =>
  Effect.gen(function* () {
    const desk = yield* SupportDesk.SupportDesk
    const pollMillis = millisOf("alerts.pollInterval", options?.pollInterval ?? "1 second")
    const limit = options?.limit ?? 10
    const round = desk.fireAlerts(options).pipe(logged("SupportWorker: SLA alerts failed; trying again", undefined))
    for (;;) {
      const done = yield* round
      if (done === undefined || done.claimed < limit) yield* Effect.sleep(pollMillis)
    }
  })

const fallbackRandomness = Randomness.Randomness.of({
  bytes: (n) => Effect.sync(() => globalThis.crypto.getRandomValues(new Uint8Array(n)))
})

/**
 * One task's loop: claim its due run, run it under a renewed lease, complete it and sleep until the next run; when the
 * claim finds nothing (not due, or another process holds the run), read the schedule and sleep until the next run or
 * until that process's lease ends. So the process that completes a run asks the store nothing more until the next one
 * is due: a task with a one-second period costs its processes a claim and a completion per second between them, plus
 * a claim and a read per lease from each of the others.
 */
const taskLoop = <R>(
  store: TaskStore.TaskStore["Service"],
  task: Task<R>,
  settings: { readonly pollMillis: number; readonly leaseMillis: number },
  randomness: Randomness.Randomness["Service"]
): Effect.Effect<never, never, R> =>
  Effect.gen(function* () {
    const { pollMillis, leaseMillis } = settings
    const token = Randomness.id.pipe(Effect.provideService(Randomness.Randomness, randomness))
    for (;;) {
      const now = yield* Clock.currentTimeMillis
      const claim = yield* store
        .claim({ names: [task.name], now, leaseMillis, token: yield* token })
        .pipe(logged(`SupportWorker: could not claim ${task.name}; trying again`, Option.none()))
      if (Option.isNone(claim)) {
        // not due, or another process runs it: wait for its next run, or for that process's lease to run out
        const state = yield* store
          .get(task.name)
          .pipe(logged(`SupportWorker: could not read the schedule of ${task.name}`, Option.none()))
        const wait = Option.match(state, {
          onNone: () => pollMillis,
          onSome: (s) => Math.max(1, (s.nextRunAt > now ? s.nextRunAt : s.leaseUntil) - now)
        })
        yield* Effect.sleep(wait)
        continue
      }
      const run = claim.value
      const renew = Effect.flatMap(Clock.currentTimeMillis, (t) => store.renew(run, { now: t, leaseMillis })).pipe(
        logged(`SupportWorker: could not renew the lease of ${task.name}`, true),
        Effect.repeat(Schedule.spaced(Math.max(1, Math.floor(leaseMillis / 3))))
      )
      const heartbeat = yield* Effect.forkChild(Effect.andThen(Effect.sleep(Math.floor(leaseMillis / 3)), renew))
      const exit = yield* Effect.exit(
        Effect.provideService(task.run, CurrentRun, { name: task.name, scheduledAt: run.scheduledAt })
      )
      yield* Fiber.interrupt(heartbeat)
      if (Exit.isFailure(exit)) {
        if (Cause.hasInterruptsOnly(exit.cause)) return yield* Effect.interrupt
        yield* Effect.logWarning(`SupportWorker: ${task.name} failed; it runs again next period`, exit.cause)
      }
      const finished = yield* Clock.currentTimeMillis
      const nextRunAt = TaskStore.nextRunAfter(run.scheduledAt, run.periodMillis, finished)
      const completed = yield* store
        .complete(run, { nextRunAt, error: Exit.isFailure(exit) ? Cause.pretty(exit.cause).slice(0, 4_000) : null })
        .pipe(logged(`SupportWorker: could not complete ${task.name}; it runs again when its lease ends`, false))
      // the store holds what this process just wrote: nothing to ask it until the next run is due
      if (completed) yield* Effect.sleep(Math.max(0, nextRunAt - (yield* Clock.currentTimeMillis)))
    }
  })

/**
 * Runs periodic tasks: registers them in the `TaskStore` (a new task is due at once), then for each, claims its due
 * run, runs it while renewing the lease, and schedules the next period. Runs until interrupted.
 *
 * @since 0.1.0
 * @category workers
 */
export const runTasks = <R>(
  tasks: ReadonlyArray<Task<R>>,
  options?: Pick<Options, "taskPollInterval" | "taskLease">
): Effect.Effect<never, never, R | TaskStore.TaskStore> =>
  Effect.gen(function* () {
    const store = yield* TaskStore.TaskStore
    const randomness = Option.getOrElse(yield* Effect.serviceOption(Randomness.Randomness), () => fallbackRandomness)
    const pollMillis = millisOf("taskPollInterval", options?.taskPollInterval ?? "1 second")
    const leaseMillis = millisOf("taskLease", options?.taskLease ?? "30 seconds")
    const specs = tasks.map((t) => ({ name: t.name, periodMillis: millisOf(`${t.name}.every`, t.every) }))
    const leases = tasks.map((t) => (t.lease === undefined ? leaseMillis : millisOf(`${t.name}.lease`, t.lease)))
    if (tasks.length === 0) return yield* Effect.never
    // every worker registers the tasks it knows; until the store answers, nothing runs
    for (;;) {
      const registered = yield* Effect.flatMap(Clock.currentTimeMillis, (now) => store.register(specs, now)).pipe(
        Effect.as(true),
        logged("SupportWorker: could not register the periodic tasks; trying again", false)
      )
      if (registered) break
      yield* Effect.sleep(pollMillis)
    }
    return yield* Effect.forEach(
      tasks,
      (t, i) => taskLoop(store, t, { pollMillis, leaseMillis: leases[i] }, randomness),
      {
        concurrency: "unbounded",
        discard: true
      }
    ).pipe(Effect.andThen(Effect.never))
  })

// -------------------------------------------------------------------------------------------------------------------
// layer
// -------------------------------------------------------------------------------------------------------------------

/**
 * The worker: the SLA watcher and the periodic tasks (the desk's sweeps and `options.tasks`), forked for as long as
 * the layer lives. Add it to every process that should do background work (a web process, a worker-only process, or
 * both); the store shares the work out. Task names must be unique; a bad option is a defect when the layer is built.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <R = never>(
  options?: Options<R>
): Layer.Layer<never, never, SupportDesk.SupportDesk | TaskStore.TaskStore | R> =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const tasks = tasksOf(options)
      const names = new Set<string>()
      for (const t of tasks) {
        if (names.has(t.name)) return yield* Effect.die(new Error(`SupportWorker: two tasks are named "${t.name}"`))
        names.add(t.name)
      }
      if (options?.alerts !== false) yield* Effect.forkScoped(watchAlerts(options?.alerts))
      yield* Effect.forkScoped(runTasks(tasks, options))
    })
  )
