/**
 * Failed lookups of cases, counted per actor in a window: the desk's guard against guessing tracking numbers
 * (clause 6.4 gives a requester their tracking number; nobody should find another's by trying numbers). Every lookup
 * that finds no case the actor may see (missing, or not theirs: the desk answers both alike) is recorded here; past
 * the desk's limit (`SupportDesk.Options.lookupThrottle`), the actor's lookups are refused until the window ends.
 *
 * The count is a port, not a variable of the process: several server processes behind one address share it (the
 * PostgreSQL adapter keeps it in a table), so running more processes does not multiply what a guesser may try. Each
 * process also remembers the actors it found over the limit, so a throttled actor costs no store round trip.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"

/**
 * The count after a failure: how many failed lookups the key has in its current window, and when that window
 * started (epoch ms). A window lasts `windowMs` from its first failure; a failure after it starts a new window.
 *
 * @since 0.1.0
 * @category models
 */
export interface Count {
  readonly failures: number
  readonly windowStart: number
}

/**
 * The store of failed lookups failed (driver failure). The desk then answers as if nothing was counted.
 *
 * @since 0.1.0
 * @category errors
 */
export class FailedLookupsFailure extends Schema.TaggedError<FailedLookupsFailure>()("FailedLookupsFailure", {
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * The port: counts a failed lookup of `key` (an actor) at `now`, in windows of `windowMs`, atomically (concurrent
 * failures of one key are all counted).
 *
 * @since 0.1.0
 * @category services
 */
export class FailedLookups extends Context.Service<
  FailedLookups,
  {
    readonly record: (
      key: string,
      options: { readonly now: number; readonly windowMs: number }
    ) => Effect.Effect<Count, FailedLookupsFailure>
  }
>()("@support-policy/core/FailedLookups") {}

/**
 * The next count of a key: one more failure in the window, or the first of a new one.
 *
 * @since 0.1.0
 * @category combinators
 */
export const next = (previous: Count | undefined, now: number, windowMs: number): Count =>
  previous === undefined || previous.windowStart + windowMs <= now
    ? { failures: 1, windowStart: now }
    : { failures: previous.failures + 1, windowStart: previous.windowStart }

/**
 * Failed lookups counted in this process's memory: for tests, and for a host that runs one process (a host with
 * several uses a shared store, such as `@support-policy/sql-pg`'s). The desk uses one of these when no
 * `FailedLookups` is in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (): FailedLookups["Service"] => {
  const counts = new Map<string, Count>()
  return FailedLookups.of({
    record: (key, { now, windowMs }) =>
      Effect.sync(() => {
        const count = next(counts.get(key), now, windowMs)
        if (counts.size > 100_000) {
          for (const [k, c] of counts) if (c.windowStart + windowMs <= now) counts.delete(k)
        }
        counts.set(key, count)
        return count
      })
  })
}

/**
 * {@link makeMemory} as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<FailedLookups> = Layer.sync(FailedLookups)(makeMemory)
