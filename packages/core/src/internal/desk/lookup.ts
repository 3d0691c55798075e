/**
 * Finding a case for an actor, the first step of every action and read: one read by tracking number (as typed) or
 * id, then `Authorization`. A case the actor may not see is answered exactly like a missing one, and both are a
 * failed lookup of the actor, counted by the `FailedLookups` port (shared by every process on one store); past the
 * desk's `lookupThrottle`, the actor's lookups are refused until the window ends (`LookupThrottled`), which each
 * process remembers so a throttled actor costs no store round trip.
 */
import { Clock, Effect, Option } from "effect"
import type * as Actor from "../../Actor.ts"
import * as Authorization from "../../Authorization.ts"
import type * as CaseLifecycle from "../../CaseLifecycle.ts"
import { CaseNotFound, type EventQuery, type Stored } from "../../CaseStore.ts"
import { ActionForbidden, LookupThrottled } from "../../DeskError.ts"
import type { Options } from "../../SupportDesk.ts"
import * as TrackingNumber from "../../TrackingNumber.ts"
import type { DeskContext } from "./kernel.ts"

export const make = (context: DeskContext, throttle: NonNullable<Options["lookupThrottle"]>) => {
  const { policies, store } = context
  const now = Clock.currentTimeMillis

  const forbidden = (actor: Actor.Actor, action: string, caseId: string | null, message: string) =>
    new ActionForbidden({ action, actorRole: actor.role, actorId: actor.id, caseId, message })

  /** Actors whose lookups this process refuses until an instant (a cache of what `FailedLookups` counted). */
  const blockedUntil = new Map<string, number>()
  const keyOf = (actor: Actor.Actor) => `${actor.role}:${actor.id}`

  const throttled = (retryAfterMs: number) =>
    new LookupThrottled({
      retryAfterMs,
      maxFailures: throttle === false ? 0 : throttle.maxFailures,
      windowMs: throttle === false ? 0 : throttle.windowMs,
      message:
        "Too many lookups of cases that do not exist or are not yours; " +
        `try again in ${Math.ceil(retryAfterMs / 1000)} s`
    })

  /** Refuses the lookup while the actor is throttled (known to this process). */
  const checkThrottle = (actor: Actor.Actor) =>
    Effect.flatMap(now, (t) => {
      if (throttle === false) return Effect.void
      const until = blockedUntil.get(keyOf(actor))
      if (until === undefined) return Effect.void
      if (until <= t) {
        blockedUntil.delete(keyOf(actor))
        return Effect.void
      }
      return Effect.fail(throttled(until - t))
    })

  /**
   * A lookup that found no case the actor may see: counted for the actor (shared by every process through the
   * `FailedLookups` store); past the limit the answer is `LookupThrottled` instead of `CaseNotFound`.
   */
  const lookupFailed = (actor: Actor.Actor, ref: string): Effect.Effect<never, CaseNotFound | LookupThrottled> =>
    Effect.gen(function* () {
      if (throttle !== false) {
        const t = yield* now
        const counted = yield* context.failedLookups
          .record(keyOf(actor), { now: t, windowMs: throttle.windowMs })
          .pipe(Effect.catchTag("FailedLookupsFailure", () => Effect.succeed(undefined)))
        if (counted !== undefined && counted.failures > throttle.maxFailures) {
          const until = counted.windowStart + throttle.windowMs
          if (blockedUntil.size > 10_000) {
            for (const [key, at] of blockedUntil) if (at <= t) blockedUntil.delete(key)
          }
          blockedUntil.set(keyOf(actor), until)
          return yield* throttled(Math.max(1, until - t))
        }
      }
      return yield* new CaseNotFound({ caseId: ref })
    })

  /**
   * A case by tracking number (as a person types it, with the prefix of the version of the policy in force) or by id:
   * one read either way; a reference that is neither is looked up as a tracking number exactly as stored (one of an
   * earlier version's prefix, clause 7.1).
   */
  const find = (ref: string, page?: EventQuery) =>
    Effect.gen(function* () {
      const policy = yield* Effect.flatMap(now, policies.inForceAt)
      const tracking = TrackingNumber.parse(policy.tracking.prefix, ref)
      if (Option.isSome(tracking)) {
        return page === undefined
          ? yield* store.getByTrackingNumber(tracking.value)
          : yield* store.getWithPage(tracking.value, page)
      }
      const byId = yield* store.get(ref)
      if (Option.isSome(byId)) return byId
      return yield* store.getByTrackingNumber(ref.trim())
    })

  /** Whether `actor` may take `action` on a case as it is: the case, a forbidden action, or a missing one. */
  const authorize = <S extends Stored>(
    actor: Actor.Actor,
    found: Option.Option<S>,
    ref: string,
    action: CaseLifecycle.Action
  ): Effect.Effect<S, CaseNotFound | ActionForbidden> => {
    if (Option.isNone(found)) return Effect.fail(new CaseNotFound({ caseId: ref }))
    const decision = Authorization.decide(actor, found.value.case, action)
    if (decision._tag === "Allowed") return Effect.succeed(found.value)
    if (!decision.visible) return Effect.fail(new CaseNotFound({ caseId: ref }))
    return Effect.fail(
      forbidden(
        actor,
        action,
        found.value.case.id,
        `${actor.role} ${actor.id} may not ${action} case ${found.value.case.trackingNumber}: ${decision.reason}`
      )
    )
  }

  /**
   * Loads a case for an action: one read, one authorization; a case the actor may not see takes exactly the path of
   * a missing one (a failed lookup). With `page`, a case found by its tracking number comes with that page of its
   * record, read with it (`CaseStore.getWithPage`).
   */
  const load = (actor: Actor.Actor, ref: string, action: CaseLifecycle.Action, page?: EventQuery) =>
    Effect.gen(function* () {
      yield* checkThrottle(actor)
      const found = yield* find(ref, page)
      return yield* authorize(actor, found, ref, action).pipe(
        Effect.catchTag("CaseNotFound", () => lookupFailed(actor, ref))
      )
    })

  /** Whether the actor may take an action that concerns no single case. */
  const authorizeDesk = (actor: Actor.Actor, action: Authorization.DeskAction) => {
    const decision = Authorization.decideDesk(actor, action)
    return decision._tag === "Allowed"
      ? Effect.void
      : Effect.fail(forbidden(actor, action, null, `${actor.role} ${actor.id} may not ${action}: ${decision.reason}`))
  }

  return { find, authorize, authorizeDesk, checkThrottle, lookupFailed, load }
}
