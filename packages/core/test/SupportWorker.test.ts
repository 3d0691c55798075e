/**
 * `SupportWorker`'s periodic tasks with `TestClock`, several workers on one store (as several processes on one
 * database): each period's run happens once, whichever worker takes it; a run cut short by a dying worker runs again
 * elsewhere once its lease ends; a long run keeps its lease; a failed run is counted and the next period runs.
 */
import { assert, describe, it } from "@effect/vitest"
import { type Duration, Effect, Fiber, Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import * as Presets from "../src/Presets.ts"
import * as Randomness from "../src/Randomness.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import * as SupportWorker from "../src/SupportWorker.ts"
import * as TaskStore from "../src/TaskStore.ts"

const deskLayer = SupportDesk.layerMemory(Presets.globalSources, { randomness: Randomness.layerSeeded(3) })

/**
 * Advances the test clock a second at a time: a worker forks fibers that sleep (its lease's heartbeat), which the
 * test clock only sees once they ran, so one big jump could pass their wake-up before they registered it.
 */
const advance = (seconds: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < seconds; i++) yield* TestClock.adjust("1 second")
  })

/** A worker running only `tasks` (no watcher, no sweeps), forked as if it were a process of its own. */
const startWorker = <R>(tasks: ReadonlyArray<SupportWorker.Task<R>>, taskLease: Duration.Input = "30 seconds") =>
  Effect.forkChild(
    Layer.launch(SupportWorker.layer({ alerts: false, closeIdle: false, retention: false, tasks, taskLease }))
  )

describe("SupportWorker periodic tasks", () => {
  it.effect("three workers run each period's run once between them", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_750_000_000_000)
      const runs: Array<{ readonly worker: number; readonly scheduledAt: number }> = []
      const taskOf = (worker: number) =>
        SupportWorker.task(
          "count",
          "1 minute",
          Effect.gen(function* () {
            const run = yield* SupportWorker.CurrentRun
            runs.push({ worker, scheduledAt: run.scheduledAt })
            yield* Effect.sleep("5 seconds") // long enough for the others to find it held
          })
        )
      const workers = yield* Effect.forEach([1, 2, 3], (w) => startWorker([taskOf(w)]))
      yield* advance(600)
      const periods = runs.map((r) => r.scheduledAt)
      assert.strictEqual(new Set(periods).size, periods.length, "a period ran twice")
      assert.deepStrictEqual(
        periods,
        Array.from({ length: 11 }, (_, i) => 1_750_000_000_000 + i * 60_000)
      )
      const state = Option.getOrThrow(yield* (yield* TaskStore.TaskStore).get("count"))
      assert.strictEqual(state.runs, 10) // the 11th is still running
      yield* Effect.forEach(workers, Fiber.interrupt)
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("a run cut short by a dying worker runs again on another once its lease ends", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_750_000_000_000)
      const started: Array<string> = []
      const finished: Array<string> = []
      const task = (name: string) =>
        SupportWorker.task(
          "sweep",
          "1 hour",
          Effect.gen(function* () {
            started.push(name)
            yield* Effect.sleep("20 seconds")
            finished.push(name)
          })
        )
      const doomed = yield* startWorker([task("doomed")], "30 seconds")
      yield* advance(1)
      assert.deepStrictEqual(started, ["doomed"])
      yield* Fiber.interrupt(doomed) // the process dies mid-run: nothing completes the run
      const survivor = yield* startWorker([task("survivor")], "30 seconds")
      yield* advance(20)
      assert.deepStrictEqual(started, ["doomed"], "the run is still leased to the dead worker")
      yield* advance(40)
      assert.deepStrictEqual(started, ["doomed", "survivor"])
      assert.deepStrictEqual(finished, ["survivor"])
      const state = Option.getOrThrow(yield* (yield* TaskStore.TaskStore).get("sweep"))
      assert.deepStrictEqual([state.runs, state.lastRunAt, state.nextRunAt], [1, 1_750_000_000_000, 1_750_003_600_000])
      yield* Fiber.interrupt(survivor)
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("a run longer than its lease keeps it by renewing; a failed run is counted and the next period runs", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_750_000_000_000)
      let long = 0
      let failing = 0
      const workers = yield* Effect.forEach([1, 2], () =>
        startWorker(
          [
            SupportWorker.task(
              "long",
              "10 minutes",
              Effect.andThen(
                Effect.sync(() => long++),
                Effect.sleep("2 minutes")
              )
            ),
            SupportWorker.task(
              "failing",
              "1 minute",
              Effect.andThen(
                Effect.sync(() => failing++),
                Effect.fail("no mail server")
              )
            )
          ],
          "30 seconds"
        )
      )
      yield* advance(180)
      assert.strictEqual(long, 1, "a run renewing its lease is not taken over")
      assert.strictEqual(failing, 4)
      const store = yield* TaskStore.TaskStore
      const failed = Option.getOrThrow(yield* store.get("failing"))
      assert.strictEqual(failed.runs, 4)
      assert.match(failed.lastError ?? "", /no mail server/)
      yield* Effect.forEach(workers, Fiber.interrupt)
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("a task's own lease replaces the worker's: a dead worker's run of it is taken over after that lease", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_750_000_000_000)
      const started: Array<string> = []
      const task = (name: string) =>
        SupportWorker.task(
          "deliver",
          "1 second",
          Effect.andThen(
            Effect.sync(() => started.push(name)),
            Effect.sleep("1 minute")
          ),
          { lease: "6 seconds" }
        )
      const doomed = yield* startWorker([task("doomed")], "30 seconds")
      yield* advance(1)
      assert.deepStrictEqual(started, ["doomed"])
      yield* Fiber.interrupt(doomed)
      const survivor = yield* startWorker([task("survivor")], "30 seconds")
      yield* advance(4)
      assert.deepStrictEqual(started, ["doomed"], "the run is still leased to the dead worker")
      yield* advance(3)
      assert.deepStrictEqual(started, ["doomed", "survivor"], "taken over after 6 s, not after the worker's 30 s")
      yield* Fiber.interrupt(survivor)
    }).pipe(Effect.provide(deskLayer))
  )

  it.effect("a task every second costs each worker at most a claim and a read per period, and its runner no more", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_750_000_000_000)
      const calls = { claim: 0, get: 0, complete: 0, renew: 0 }
      const store = yield* TaskStore.TaskStore
      const counted = TaskStore.TaskStore.of({
        ...store,
        claim: (options) =>
          Effect.andThen(
            Effect.sync(() => calls.claim++),
            store.claim(options)
          ),
        get: (name) =>
          Effect.andThen(
            Effect.sync(() => calls.get++),
            store.get(name)
          ),
        complete: (claim, options) =>
          Effect.andThen(
            Effect.sync(() => calls.complete++),
            store.complete(claim, options)
          ),
        renew: (claim, options) =>
          Effect.andThen(
            Effect.sync(() => calls.renew++),
            store.renew(claim, options)
          )
      })
      let runs = 0
      const workers = yield* Effect.forEach([1, 2, 3], () =>
        startWorker(
          [
            SupportWorker.task(
              "deliver",
              "1 second",
              Effect.sync(() => runs++),
              { lease: "6 seconds" }
            )
          ],
          "30 seconds"
        ).pipe(Effect.provideService(TaskStore.TaskStore, counted))
      )
      yield* advance(60)
      // a run per period: the first at start, then one per second
      assert.strictEqual(runs, 61)
      assert.strictEqual(calls.complete, 61)
      // each period: the runner's claim and completion; each of the two others a claim that finds it taken and a read
      // of the schedule (the runner asks nothing more: it sleeps until the next run it just wrote)
      assert.isAtMost(calls.claim, 3 * 61)
      assert.isAtMost(calls.get, 2 * 61)
      assert.strictEqual(calls.renew, 0)
      console.log(`a 1-second task on 3 workers for 60 s: ${JSON.stringify({ runs, ...calls })}`)
      yield* Effect.forEach(workers, Fiber.interrupt)
    }).pipe(Effect.provide(deskLayer))
  )

  it("the next run after a long stop is the next period start, once", () => {
    assert.strictEqual(TaskStore.nextRunAfter(0, 60_000, 10), 60_000)
    assert.strictEqual(TaskStore.nextRunAfter(0, 60_000, 60_000), 120_000)
    assert.strictEqual(TaskStore.nextRunAfter(0, 60_000, 3_600_001), 3_660_000)
  })
})
