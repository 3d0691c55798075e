/**
 * The machinery every room of the desk shares. An action on a case is always the same four steps, written here once:
 *
 * 1. **find and authorize**: the case by tracking number (as typed) or id; a case the actor may not see is answered
 *    exactly like a missing one (`Authorization`);
 * 2. **check the state**: the action must be allowed in the case's status (`CaseLifecycle.allowedIn`);
 * 3. **decide**: the room's plan turns the case's facts into events and notices;
 * 4. **commit**: the events are numbered on from the record, the state folded and the clocks evaluated once (for the
 *    state's next due instant and the caller's view alike), a closing decides its quality review (the `onClose` hook,
 *    clause 7.4), and the events, state and outbox messages are appended in one unit of work against the sequence
 *    read. A conflicting append re-runs the whole action on the fresh record.
 */
import { Clock, Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import * as Authorization from "../../Authorization.ts"
import type * as BusinessCalendar from "../../BusinessCalendar.ts"
import type * as CaseEvent from "../../CaseEvent.ts"
import * as CaseLifecycle from "../../CaseLifecycle.ts"
import { CaseNotFound, type CaseStore, messageKeys, SequenceConflict, type StatusQuery } from "../../CaseStore.ts"
import { type ActionError, ActionForbidden, isConflict, TransitionNotAllowed } from "../../DeskError.ts"
import type * as Directory from "../../Directory.ts"
import type * as Incident from "../../Incident.ts"
import * as Randomness from "../../Randomness.ts"
import * as Sla from "../../Sla.ts"
import type * as SupportCase from "../../SupportCase.ts"
import type { CaseView, Options } from "../../SupportDesk.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import * as TrackingNumber from "../../TrackingNumber.ts"
import { isInert } from "../slaEngine.ts"
import * as Notices from "./notices.ts"
import * as Views from "./views.ts"

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** An event before the desk numbers it; `actor` defaults to the acting actor. */
export type Draft = DistributiveOmit<CaseEvent.CaseEvent, "sequence" | "at" | "actor"> & {
  readonly actor?: CaseEvent.Actor
}

/** What an action decided: the events to append and the notices they cause. */
export interface Step {
  readonly events: ReadonlyArray<Draft>
  readonly notices: ReadonlyArray<Notices.Notice>
}

/** What an action's plan decides from: the case as read, the facts folded from its record, and the instant. */
export interface Ctx {
  readonly stored: SupportCase.WithRecord
  readonly case: SupportCase.SupportCase
  readonly facts: CaseLifecycle.Facts
  readonly now: number
}

/** What the desk is made of: its policy and options, and the ports it runs on. */
export interface DeskContext {
  readonly policy: SupportPolicy.SupportPolicy
  readonly options: Options
  readonly calendar: BusinessCalendar.BusinessCalendar
  readonly store: CaseStore["Service"]
  readonly incidents: Incident.IncidentStore["Service"]
  readonly randomness: Randomness.Randomness["Service"]
  /** The host's staff directory, if it gave one (display names, the people a case can be assigned to). */
  readonly directory: Option.Option<Directory.Directory["Service"]>
}

/**
 * What runs as a case closes (by any action or sweep): the reasons it is selected for quality review, none when it
 * is not (clause 7.4; `records.ts`).
 */
export type OnClose = (
  record: CaseEvent.Record,
  evaluation: Sla.Evaluation,
  t: number
) => Effect.Effect<ReadonlyArray<CaseEvent.QualityReviewReason>>

/** A written case with the facts folded from its record and its clocks evaluated at the instant of the write. */
export interface Written {
  readonly stored: SupportCase.WithRecord
  readonly facts: CaseLifecycle.Facts
  readonly evaluation: Sla.Evaluation
}

const ACTION_RETRIES = 4

/** Re-runs `effect` when it fails with a conflict (another writer got there first), a few times. */
export const retry = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.retry(effect, { times: ACTION_RETRIES, while: isConflict })

export const step = (events: ReadonlyArray<Draft>, notices: ReadonlyArray<Notices.Notice> = []): Effect.Effect<Step> =>
  Effect.succeed({ events, notices })

export const make = (context: DeskContext, onClose: OnClose) => {
  const { policy, calendar, store } = context
  const now = Clock.currentTimeMillis
  const randomId = Randomness.id.pipe(Effect.provideService(Randomness.Randomness, context.randomness))
  const notices = Notices.make(policy, calendar)
  const evaluate = (record: CaseEvent.Record, t: number) => Sla.evaluate(policy, record, t)

  /** The staff of the directory; none without one, or while it is unavailable (names are a courtesy). */
  const directoryPeople: Effect.Effect<ReadonlyArray<Directory.Person>> = Option.match(context.directory, {
    onNone: () => Effect.succeed([]),
    onSome: (directory) =>
      directory.people.pipe(
        Effect.catchTag("DirectoryUnavailable", (error) =>
          Effect.as(Effect.logWarning("support desk: the staff directory is unavailable", error), [])
        )
      )
  })

  const forbidden = (actor: Actor.Actor, action: string, caseId: string | null, message: string) =>
    new ActionForbidden({ action, actorRole: actor.role, actorId: actor.id, caseId, message })

  /** A case by tracking number (as a person types it) or by id. */
  const find = (ref: string) =>
    Effect.gen(function* () {
      const tracking = TrackingNumber.parse(policy.tracking.prefix, ref)
      if (Option.isSome(tracking)) {
        const byNumber = yield* store.getByTrackingNumber(tracking.value)
        if (Option.isSome(byNumber)) return byNumber
      }
      return yield* store.get(ref)
    })

  /** Loads a case for an action: a case the actor may not see is answered exactly like a missing one. */
  const load = (actor: Actor.Actor, ref: string, action: CaseLifecycle.Action) =>
    Effect.gen(function* () {
      const found = yield* find(ref)
      if (Option.isNone(found)) return yield* new CaseNotFound({ caseId: ref })
      const decision = Authorization.decide(actor, found.value.case, action)
      if (decision._tag === "Denied") {
        if (!decision.visible) return yield* new CaseNotFound({ caseId: ref })
        return yield* forbidden(
          actor,
          action,
          found.value.case.id,
          `${actor.role} ${actor.id} may not ${action} case ${found.value.case.trackingNumber}: ${decision.reason}`
        )
      }
      return found.value
    })

  /** Whether the actor may take an action that concerns no single case. */
  const authorizeDesk = (actor: Actor.Actor, action: Authorization.DeskAction) => {
    const decision = Authorization.decideDesk(actor, action)
    return decision._tag === "Allowed"
      ? Effect.void
      : Effect.fail(forbidden(actor, action, null, `${actor.role} ${actor.id} may not ${action}: ${decision.reason}`))
  }

  /** A case as `actor` reads it at `t`, from a written case (evaluated at `t` already). */
  const view = (actor: Actor.Actor, written: Written, t: number): CaseView =>
    Views.viewOf(policy, calendar, actor, written.stored, written.facts, written.evaluation, t)

  /** A stored case as `actor` reads it at `now`: folded and evaluated once. */
  const viewStored = (actor: Actor.Actor, stored: SupportCase.WithRecord, t: number): CaseView =>
    view(
      actor,
      {
        stored,
        facts: CaseLifecycle.factsUnsafe(stored.events),
        evaluation: evaluate(stored.events, Math.max(t, stored.case.updatedAt))
      },
      t
    )

  /**
   * Appends the step's events (numbered on from the record, at `t`, by `actor` unless a draft names another) with
   * the state they fold to and their notices. The clocks are evaluated once, for the state's next due instant and
   * the caller's view.
   */
  const commit = (stored: SupportCase.WithRecord, decided: Step, actor: CaseEvent.Actor, t: number) =>
    Effect.gen(function* () {
      const base = stored.case.sequence
      const events = decided.events.map(
        (draft, i) => ({ actor, ...draft, sequence: base + 1 + i, at: t }) as CaseEvent.CaseEvent
      )
      const lastSequence = events.length > 0 ? events[events.length - 1].sequence : null
      const identity = CaseLifecycle.identityOf(stored.case)
      let record: CaseEvent.Record = [...stored.events, ...events]
      let evaluation = evaluate(record, t)
      let facts = CaseLifecycle.factsUnsafe(record)
      if (facts.status === "closed" && stored.case.status !== "closed") {
        const reasons = yield* onClose(record, evaluation, t)
        if (reasons.length > 0) {
          const selected: CaseEvent.CaseEvent = {
            type: "qualityReviewSelected",
            reasons,
            sequence: base + events.length + 1,
            at: t,
            actor: Actor.system
          }
          events.push(selected)
          record = [...record, selected]
          if (!isInert(policy, selected.type)) evaluation = evaluate(record, t)
          facts = CaseLifecycle.factsUnsafe(record)
        }
      }
      const next = CaseLifecycle.caseOf(identity, facts, Views.nextDueAt(evaluation))
      const outbox = yield* Effect.forEach(decided.notices, (notice) =>
        Effect.map(randomId, (id) => Notices.message(id, notice, next, lastSequence, t))
      )
      const written = yield* store
        .append({ caseId: stored.case.id, expectedSequence: base, events, case: next, outbox })
        .pipe(
          // another writer stored the same message first: re-run the action on the fresh record, which holds it
          Effect.catchTag("MessageKeyTaken", () =>
            Effect.fail(new SequenceConflict({ caseId: stored.case.id, expected: base, actual: base + 1 }))
          )
        )
      return { stored: written, facts, evaluation } satisfies Written
    })

  /**
   * Runs an action: find and authorize, check the state, decide, commit against the sequence read. A conflicting
   * append re-runs the whole action on the fresh record.
   */
  const run = <E>(
    actor: Actor.Actor,
    ref: string,
    action: CaseLifecycle.Action,
    plan: (ctx: Ctx) => Effect.Effect<Step, E>
  ): Effect.Effect<CaseView, E | ActionError> =>
    retry(
      Effect.gen(function* () {
        const stored = yield* load(actor, ref, action)
        const facts = CaseLifecycle.factsUnsafe(stored.events)
        if (!CaseLifecycle.isAllowed(facts.status, action)) {
          return yield* new TransitionNotAllowed({
            caseId: stored.case.id,
            trackingNumber: stored.case.trackingNumber,
            status: facts.status,
            action,
            message: `cannot ${action} case ${stored.case.trackingNumber} while it is ${facts.status}`
          })
        }
        const t = Math.max(yield* now, stored.case.updatedAt)
        const decided = yield* plan({ stored, case: stored.case, facts, now: t })
        if (decided.events.length === 0)
          return view(actor, { stored, facts, evaluation: evaluate(stored.events, t) }, t)
        const written = yield* commit(stored, decided, Actor.toEventActor(actor), t)
        return view(actor, written, t)
      })
    )

  /**
   * Visits the cases in some statuses, oldest update first, a batch at a time, while `visit` answers true: the
   * lifecycle sweeps and the review list page through the store this way.
   */
  const forEachByStatus = <E>(
    query: Omit<StatusQuery, "limit" | "after">,
    batchSize: number,
    visit: (supportCase: SupportCase.SupportCase) => Effect.Effect<boolean, E>
  ) =>
    Effect.gen(function* () {
      let after: StatusQuery["after"]
      for (;;) {
        const batch = yield* store.listByStatus({ ...query, limit: batchSize, after })
        for (const c of batch) {
          if (!(yield* visit(c))) return
        }
        if (batch.length < batchSize) return
        const last = batch[batch.length - 1]
        after = { updatedAt: last.updatedAt, id: last.id }
      }
    })

  /** Whether the case's record holds a message with this key already (the same email delivered twice). */
  const alreadyHas = (ctx: Ctx, messageKey: string | undefined): boolean =>
    messageKey !== undefined && messageKeys(ctx.stored.events).includes(messageKey)

  return {
    ...context,
    now,
    alreadyHas,
    randomId,
    notices,
    evaluate,
    directoryPeople,
    find,
    load,
    authorizeDesk,
    view,
    viewStored,
    commit,
    run,
    forEachByStatus
  }
}

export type Kernel = ReturnType<typeof make>
