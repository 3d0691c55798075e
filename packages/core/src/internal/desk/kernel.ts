/**
 * The machinery every room of the desk shares. An action on a case is always the same four steps, written here once:
 *
 * 1. **find and authorize**: the case by tracking number (as typed) or id, in one read; a case the actor may not see
 *    is answered exactly like a missing one (`Authorization`), and both count as a failed lookup of the actor
 *    (`FailedLookups`): past the desk's limit, the actor's lookups are refused for a while (`LookupThrottled`);
 * 2. **check the state**: the action must be allowed in the case's status (`CaseLifecycle.allowedIn`);
 * 3. **decide**: the room's plan turns the case's facts into events and notices;
 * 4. **commit**: the events are numbered on from the record, the facts stepped over them and the clocks evaluated
 *    once on the clock record (for the state's next due instant, the next SLA alert instant and the caller's view
 *    alike), a closing decides its
 *    quality review (the `onClose` hook, clause 7.4), and the events, state, facts, clock events and outbox messages
 *    are written in one unit of work.
 *
 * Steps 1 (again) to 4 run inside `CaseStore.update`, with the case locked: concurrent actions on one case run one
 * after another, each deciding on the state the one before left, so none fails because it was concurrent. Nothing
 * here reads the whole record: the facts and the clock record are kept beside the case, and a view reads one page of
 * the record (the latest events the reader may see, with a cursor to the page before).
 *
 * A case is decided, evaluated and written to in the words of the version of the policy it names (clause 7.1;
 * `policies.ts`): the action's plan gets that version (`ctx.policy`) and its texts (`ctx.notices`).
 */
import { Clock, Effect, Option } from "effect"
import * as Actor from "../../Actor.ts"
import * as Authorization from "../../Authorization.ts"
import type * as BusinessCalendar from "../../BusinessCalendar.ts"
import * as CaseEvent from "../../CaseEvent.ts"
import * as CaseLifecycle from "../../CaseLifecycle.ts"
import {
  type Change,
  type CaseStore,
  type EventQuery,
  type MessageKeyTaken,
  type MessageLimitReached,
  messageTypes,
  type StatusQuery,
  type Stored
} from "../../CaseStore.ts"
import { type ActionError, isConflict, type RateLimitExceeded, TransitionNotAllowed } from "../../DeskError.ts"
import type * as Directory from "../../Directory.ts"
import type * as Erasure from "../../Erasure.ts"
import type * as FailedLookups from "../../FailedLookups.ts"
import type * as Incident from "../../Incident.ts"
import type { PolicyStoreFailure } from "../../PolicyStore.ts"
import * as Randomness from "../../Randomness.ts"
import * as Sla from "../../Sla.ts"
import type * as SupportCase from "../../SupportCase.ts"
import type { CaseView, Options, PageOptions } from "../../SupportDesk.ts"
import type * as SupportPolicy from "../../SupportPolicy.ts"
import { isInert } from "../slaEngine.ts"
import * as Escalations from "./escalations.ts"
import * as Lookup from "./lookup.ts"
import * as Notices from "./notices.ts"
import * as Policies from "./policies.ts"
import * as Views from "./views.ts"

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** An event before the desk numbers it; `actor` defaults to the acting actor. */
export type Draft = DistributiveOmit<CaseEvent.CaseEvent, "sequence" | "at" | "actor"> & {
  readonly actor?: CaseEvent.Actor
}

/**
 * What an action decided: the events to append and the notices they cause (and, for the retention sweep, the
 * requester as kept from now on: without their personal data).
 */
export interface Step {
  readonly events: ReadonlyArray<Draft>
  readonly notices: ReadonlyArray<Notices.Notice>
  readonly requester?: SupportCase.Requester | undefined
}

/**
 * What an action's plan decides from: the case as stored (state, facts, clock record), the instant, and the version
 * of the policy the case is under with its texts.
 */
export interface Ctx {
  readonly stored: Stored
  readonly case: SupportCase.SupportCase
  readonly facts: CaseLifecycle.Facts
  readonly now: number
  readonly policy: SupportPolicy.SupportPolicy
  readonly calendar: BusinessCalendar.BusinessCalendar
  readonly notices: Notices.Notices
}

/** What the desk is made of: its options, the versions of its policy, and the ports it runs on. */
export interface DeskContext {
  readonly options: Options
  readonly policies: Policies.Policies
  readonly store: CaseStore["Service"]
  readonly incidents: Incident.IncidentStore["Service"]
  readonly randomness: Randomness.Randomness["Service"]
  readonly failedLookups: FailedLookups.FailedLookups["Service"]
  /** The host's staff directory, if it gave one (display names, the people a case can be assigned to). */
  readonly directory: Option.Option<Directory.Directory["Service"]>
  readonly holders: ReadonlyArray<Erasure.PersonalDataHolder>
}

/**
 * What runs as a case closes (by any action or sweep): the reasons it is selected for quality review under the
 * case's version of the policy, none when it is not (clause 7.4; `records.ts`).
 */
export type OnClose = (
  policy: SupportPolicy.SupportPolicy,
  facts: CaseLifecycle.Facts,
  evaluation: Sla.Evaluation,
  t: number
) => Effect.Effect<ReadonlyArray<CaseEvent.QualityReviewReason>>

/** The rules of the version a case is under, and how its clock record is evaluated (across the versions it went through). */
export interface CaseRules extends Policies.Rules {
  readonly evaluate: (clockRecord: CaseEvent.Record, t: number) => Sla.Evaluation
}

/**
 * Whether an event of `type` may be left out of a case's clock record under `rules`: inert under the case's version
 * (and the version it moved from, for the event that moves it). A move itself is never inert: the engine splits the
 * record at it.
 */
export const inertUnder = (
  type: CaseEvent.EventType,
  ...versions: ReadonlyArray<SupportPolicy.SupportPolicy>
): boolean => type !== "policyChanged" && versions.every((policy) => isInert(policy, type))

/**
 * Whether an event goes into a case's clock record under `policy` (the case's version): it moves a clock, it moves
 * the case to another version, or it is an SLA alert (which moves none, but tells the watcher which escalation levels
 * fired: `escalations.ts`).
 */
export const inClockRecord = (policy: SupportPolicy.SupportPolicy, event: CaseEvent.CaseEvent): boolean =>
  !inertUnder(event.type, policy) || CaseEvent.isSlaAlert(event)

/** The next instant an SLA escalation level of a case falls due under its rules (`CaseStore.NewCase.alertAt`). */
export const alertAtUnder = (rules: CaseRules, clockRecord: CaseEvent.Record, evaluation: Sla.Evaluation) =>
  Escalations.nextAlertAt(Escalations.pending(rules.policy, rules.calendar, clockRecord, evaluation))

/** A written (or read) case with its clocks evaluated at the instant of the write (or read), under its rules. */
export interface Written {
  readonly stored: Stored
  readonly evaluation: Sla.Evaluation
  readonly rules: CaseRules
}

const ACTION_RETRIES = 4

/** Re-runs `effect` when it fails with a conflict (another writer got there first), a few times. */
export const retry = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.retry(effect, { times: ACTION_RETRIES, while: isConflict })

export const step = (events: ReadonlyArray<Draft>, notices: ReadonlyArray<Notices.Notice> = []): Effect.Effect<Step> =>
  Effect.succeed({ events, notices })

/** How many events a view shows when the caller asks for no other number. */
export const DEFAULT_PAGE = 50

/** A page of a case's record read with the case, and the query it was read with. */
export interface PageRead {
  readonly query: EventQuery
  readonly events: CaseEvent.Record
}

/**
 * The events a view asks the store for: one more than it shows (to tell whether there are more), of the part of the
 * record the reader may see (`Authorization.recordQuery`), before the page's cursor.
 */
export const pageQuery = (
  visible: { readonly readers?: "requester" | "parties" | undefined; readonly from?: number | undefined },
  page: PageOptions | undefined
): EventQuery => ({
  limit: (page?.limit ?? DEFAULT_PAGE) + 1,
  before: page?.before,
  from: visible.from,
  readers: visible.readers
})

const sameQuery = (a: EventQuery, b: EventQuery): boolean =>
  a.limit === b.limit && a.before === b.before && a.from === b.from && a.readers === b.readers

/** The default of `Options.lookupThrottle`: 20 failed lookups in 10 minutes. */
export const DEFAULT_LOOKUP_THROTTLE = { maxFailures: 20, windowMs: 10 * 60_000 } as const

const HOUR = 3_600_000

/**
 * How an action's step becomes a change of a case (see `change` inside): shared by every write of the kernel.
 */
const makeChange = (
  onClose: OnClose,
  randomId: Effect.Effect<string>,
  rulesFor: (version: string, clockRecord: CaseEvent.Record) => Effect.Effect<CaseRules, PolicyStoreFailure>
) => {
  /** The policy's `messagesSent` limits at `t`, for the store to check in the same write as the message. */
  const messageLimits = (policy: SupportPolicy.SupportPolicy, t: number) =>
    policy.refusal.rateLimits
      .filter((limit) => limit.measure === "messagesSent")
      .map((limit) => ({ id: limit.id, since: t - limit.windowHours * HOUR, max: limit.limit }))

  /**
   * The change a step makes to a case as stored: the events numbered on from the record at `t`, by `actor` unless a
   * draft names another; the facts stepped over them; the clock events among them; the clocks evaluated once on the
   * clock record (for the state's next due instant and the caller's view); a closing's quality review; the notices
   * as outbox messages. A requester's message carries the policy's message limits. `rules` are those of the case
   * as stored; an event that moves the case to another version evaluates it under the versions it went through.
   */
  const change = (current: Stored, decided: Step, actor: CaseEvent.Actor, t: number, rules: CaseRules) =>
    Effect.gen(function* () {
      const base = current.case.sequence
      const events = decided.events.map(
        (draft, i) => ({ actor, ...draft, sequence: base + 1 + i, at: t }) as CaseEvent.CaseEvent
      )
      const lastSequence = events.length > 0 ? events[events.length - 1].sequence : null
      let facts = CaseLifecycle.stepAll(current.facts, events)
      const clockEvents = events.filter((e) => inClockRecord(rules.policy, e)).map(CaseEvent.withoutText)
      let clockRecord = clockEvents.length > 0 ? [...current.clockRecord, ...clockEvents] : current.clockRecord
      const moved = facts.policyVersion !== current.facts.policyVersion
      const after = moved ? yield* rulesFor(facts.policyVersion ?? current.case.policyVersion, clockRecord) : rules
      const policy = after.policy
      let evaluation = after.evaluate(clockRecord, t)
      if (facts.status === "closed" && current.facts.status !== "closed") {
        const reasons = yield* onClose(policy, facts, evaluation, t)
        if (reasons.length > 0) {
          const selected: CaseEvent.CaseEvent = {
            type: "qualityReviewSelected",
            reasons,
            sequence: base + events.length + 1,
            at: t,
            actor: Actor.system
          }
          events.push(selected)
          facts = CaseLifecycle.step(facts, selected)
          if (inClockRecord(policy, selected)) {
            clockEvents.push(CaseEvent.withoutText(selected))
            clockRecord = [...clockRecord, CaseEvent.withoutText(selected)]
            evaluation = after.evaluate(clockRecord, t)
          }
        }
      }
      const identity = CaseLifecycle.identityOf(current.case)
      const next = CaseLifecycle.caseOf(
        decided.requester === undefined ? identity : { ...identity, requester: decided.requester },
        facts,
        Views.nextDueAt(evaluation)
      )
      const outbox = yield* Effect.forEach(decided.notices, (notice) =>
        Effect.map(randomId, (id) => Notices.message(id, notice, next, lastSequence, t))
      )
      const limited =
        actor.role === "requester" && events.some((e) => e.actor.role === "requester" && messageTypes.includes(e.type))
      const written: Written = { stored: { case: next, facts, clockRecord }, evaluation, rules: after }
      return {
        change: {
          events,
          case: next,
          facts,
          clockEvents,
          outbox,
          alertAt: alertAtUnder(after, clockRecord, evaluation),
          ...(limited ? { messageLimits: { authorId: actor.id, limits: messageLimits(policy, t) } } : {})
        } satisfies Change,
        written
      }
    })

  return change
}

/**
 * The versions of the policy (clause 7.1): the version in force now, and the rules of a case's version, evaluated
 * over the versions its record went through.
 */
const makeRules = (policies: DeskContext["policies"], now: Effect.Effect<number>) => {
  /** The version of the policy in force now: new cases are opened under it. */
  const inForce = Effect.flatMap(now, policies.inForceAt)

  const caseRules = (policy: SupportPolicy.SupportPolicy, moved: boolean): CaseRules => {
    const rules = Policies.rulesOf(policy)
    return {
      ...rules,
      evaluate: moved
        ? (record, t) => Sla.evaluate(policy, record, t, { versions: policies.loaded })
        : (record, t) => Sla.evaluate(policy, record, t)
    }
  }

  /**
   * The rules of the version `version` (a case's), loading every version its record (or clock record, which keeps
   * every move) went through first, so that the engine finds each (`policies.loaded`). Versions are cached: after the
   * first read of a version, this is a lookup.
   */
  const rulesFor = (version: string, record: CaseEvent.Record): Effect.Effect<CaseRules, PolicyStoreFailure> =>
    Effect.gen(function* () {
      const policy = yield* policies.require(version)
      // most records never moved: one plain scan finds that, without a step of this generator per event
      const moves = record.filter((e): e is CaseEvent.Of<"policyChanged"> => e.type === "policyChanged")
      for (const e of moves) {
        yield* policies.require(e.from)
        yield* policies.require(e.to)
      }
      return caseRules(policy, moves.length > 0)
    })

  /** The rules of a stored case: the version it names, evaluated over its clock record. */
  const rulesOfStored = (stored: Stored) => rulesFor(stored.case.policyVersion, stored.clockRecord)

  /** The rules of a case with its whole record (a report, an erasure). */
  const rulesOfCase = (stored: SupportCase.WithRecord) => rulesFor(stored.case.policyVersion, stored.events)

  return { inForce, rulesFor, rulesOfStored, rulesOfCase }
}

/**
 * Visits the cases in some statuses, oldest update first, a batch at a time, while `visit` answers true: the
 * lifecycle sweeps and the review list page through the store this way.
 */
const makeForEachByStatus =
  (store: DeskContext["store"]) =>
  <E>(
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

export const make = (context: DeskContext, onClose: OnClose) => {
  const { policies, store } = context
  const now = Clock.currentTimeMillis
  const randomId = Randomness.id.pipe(Effect.provideService(Randomness.Randomness, context.randomness))
  const throttle = context.options.lookupThrottle ?? DEFAULT_LOOKUP_THROTTLE

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

  const { find, authorize, authorizeDesk, checkThrottle, lookupFailed, load } = Lookup.make(context, throttle)

  // ---------------------------------------------------------------------------------------------------------------
  // versions of the policy (clause 7.1)
  // ---------------------------------------------------------------------------------------------------------------

  const { inForce, rulesFor, rulesOfStored, rulesOfCase } = makeRules(policies, now)

  // ---------------------------------------------------------------------------------------------------------------
  // views
  // ---------------------------------------------------------------------------------------------------------------

  /**
   * A case as `actor` reads it at `t`, from a written (or read) case evaluated at `t`: one page of the record, the
   * latest events the actor may see before `page.before`. `read`: a page read with the case (`CaseStore.getWithPage`)
   * and the query it was read with, used when it is the page the actor may see.
   */
  const view = (actor: Actor.Actor, written: Written, t: number, page?: PageOptions, read?: PageRead) =>
    Effect.gen(function* () {
      const { case: c, facts } = written.stored
      const query = Authorization.recordQuery(actor, c, facts)
      const limit = page?.limit ?? DEFAULT_PAGE
      const wanted = query === undefined ? undefined : pageQuery(query, page)
      const found =
        wanted === undefined || limit === 0
          ? []
          : read !== undefined && sameQuery(read.query, wanted)
            ? read.events
            : // no event after the case as read, whatever was written since
              yield* store.events(c.id, {
                ...wanted,
                before: Math.min(wanted.before ?? c.sequence + 1, c.sequence + 1)
              })
      const more = found.length > limit
      const events = more ? found.slice(found.length - limit) : found
      return Views.viewOf(actor, written, events, more ? events[0].sequence : null, t)
    })

  /**
   * A case whose whole record the caller holds (a new case) as `actor` reads it at `t`: the latest page of what they
   * may see, without reading the store.
   */
  const viewOfRecord = (actor: Actor.Actor, written: Written, record: CaseEvent.Record, t: number): CaseView => {
    const visible = Authorization.visibleRecord(actor, written.stored.case, written.stored.facts, record)
    const events = visible.length > DEFAULT_PAGE ? visible.slice(visible.length - DEFAULT_PAGE) : visible
    return Views.viewOf(actor, written, events, visible.length > DEFAULT_PAGE ? events[0].sequence : null, t)
  }

  /** A stored case as `actor` reads it at `t`: evaluated once, under its version of the policy. */
  const viewStored = (actor: Actor.Actor, stored: Stored, t: number, page?: PageOptions, read?: PageRead) =>
    Effect.flatMap(rulesOfStored(stored), (rules) =>
      view(
        actor,
        { stored, evaluation: rules.evaluate(stored.clockRecord, Math.max(t, stored.case.updatedAt)), rules },
        t,
        page,
        read
      )
    )

  // ---------------------------------------------------------------------------------------------------------------
  // writing
  // ---------------------------------------------------------------------------------------------------------------

  const change = makeChange(onClose, randomId, rulesFor)

  /**
   * Writes a step to a case by id, deciding on its state as it is when the store locks it (the desk's own writes:
   * sweeps, incident resolution). `decide` answers none to write nothing; the result is the case as written (or
   * none). `decide` gets the case's rules (its version of the policy).
   */
  const commitTo = <E>(
    caseId: string,
    decide: (current: Stored, t: number, rules: CaseRules) => Effect.Effect<Option.Option<Step>, E>,
    actor: CaseEvent.Actor
  ) =>
    onStoreRefusal(
      store.update(caseId, (current) =>
        Effect.gen(function* () {
          const t = Math.max(yield* now, current.case.updatedAt)
          const rules = yield* rulesOfStored(current)
          const decided = yield* decide(current, t, rules)
          if (Option.isNone(decided) || decided.value.events.length === 0) {
            return { change: undefined, result: Option.none<Written>() }
          }
          const made = yield* change(current, decided.value, actor, t, rules)
          return { change: made.change, result: Option.some(made.written) }
        })
      ),
      (refusal) => Effect.die(new Error(`SupportDesk: a write of the desk met a refusal (${refusal._tag})`))
    )

  /**
   * Runs an action: find and authorize, then inside the store's update of the case (locked): authorize again on the
   * state as it is, check the state, decide, write. Answers with the case as the actor sees it afterwards.
   */
  const runAction = <E>(
    actor: Actor.Actor,
    ref: string,
    action: CaseLifecycle.Action,
    plan: (ctx: Ctx) => Effect.Effect<Step, E>
  ) =>
    Effect.gen(function* () {
      const found = yield* load(actor, ref, action)
      const outcome = yield* store.update(found.case.id, (current) =>
        Effect.gen(function* () {
          yield* authorize(actor, Option.some(current), ref, action)
          const facts = current.facts
          if (!CaseLifecycle.isAllowed(facts.status, action)) {
            return yield* new TransitionNotAllowed({
              caseId: current.case.id,
              trackingNumber: current.case.trackingNumber,
              status: facts.status,
              action,
              message: `cannot ${action} case ${current.case.trackingNumber} while it is ${facts.status}`
            })
          }
          const t = Math.max(yield* now, current.case.updatedAt)
          const rules = yield* rulesOfStored(current)
          const decided = yield* plan({
            stored: current,
            case: current.case,
            facts,
            now: t,
            policy: rules.policy,
            calendar: rules.calendar,
            notices: rules.notices
          })
          if (decided.events.length === 0) {
            return {
              change: undefined,
              result: { written: { stored: current, evaluation: rules.evaluate(current.clockRecord, t), rules }, t }
            }
          }
          const made = yield* change(current, decided, Actor.toEventActor(actor), t, rules)
          return { change: made.change, result: { written: made.written, t } }
        })
      )
      return yield* view(actor, outcome.written, outcome.t)
    })

  /** Runs an action that writes no message of a requester (so no message limit or message key applies). */
  const run = <E>(
    actor: Actor.Actor,
    ref: string,
    action: CaseLifecycle.Action,
    plan: (ctx: Ctx) => Effect.Effect<Step, E>
  ): Effect.Effect<CaseView, E | ActionError | PolicyStoreFailure> =>
    onStoreRefusal(runAction(actor, ref, action, plan), (refusal) =>
      Effect.die(new Error(`SupportDesk: action ${action} met a refusal it does not check (${refusal._tag})`))
    )

  /**
   * Runs an action that may write a requester's message: the policy's message limits apply (clause 7.3). A message
   * whose key the case holds already (the same email delivered twice) writes nothing: the answer is the case as the
   * actor reads it now.
   */
  const runMessage = <E>(
    actor: Actor.Actor,
    ref: string,
    action: CaseLifecycle.Action,
    plan: (ctx: Ctx) => Effect.Effect<Step, E>,
    exceeded: (
      policy: SupportPolicy.SupportPolicy
    ) => (reached: { readonly limitId: string; readonly count: number }) => RateLimitExceeded
  ): Effect.Effect<CaseView, E | ActionError | RateLimitExceeded | PolicyStoreFailure> =>
    onStoreRefusal(
      runAction(actor, ref, action, plan),
      (refusal): Effect.Effect<CaseView, RateLimitExceeded | ActionError | PolicyStoreFailure> =>
        refusal._tag === "MessageLimitReached"
          ? // the limit is the one of the case's version of the policy
            Effect.flatMap(load(actor, ref, action), (stored) =>
              Effect.flatMap(rulesOfStored(stored), (rules) => Effect.fail(exceeded(rules.policy)(refusal)))
            )
          : Effect.flatMap(load(actor, ref, action), (stored) =>
              Effect.flatMap(now, (t) => viewStored(actor, stored, t))
            )
    )

  const forEachByStatus = makeForEachByStatus(store)

  return {
    ...context,
    now,
    randomId,
    inForce,
    rulesFor,
    rulesOfStored,
    rulesOfCase,
    directoryPeople,
    find,
    load,
    checkThrottle,
    lookupFailed,
    authorize,
    authorizeDesk,
    view,
    viewOfRecord,
    viewStored,
    change,
    commitTo,
    run,
    runMessage,
    forEachByStatus
  }
}

/** The store's refusals of a write that the desk decides on: a message limit reached, a message key taken. */
type StoreRefusal = MessageLimitReached | MessageKeyTaken

const isStoreRefusal = (error: unknown): error is StoreRefusal => {
  const tag = (error as { readonly _tag?: unknown } | undefined)?._tag
  return tag === "MessageLimitReached" || tag === "MessageKeyTaken"
}

/** Handles the store's refusals of an effect whose other errors are generic. */
const onStoreRefusal = <A, E, A2, E2>(
  self: Effect.Effect<A, E | StoreRefusal>,
  f: (refusal: StoreRefusal) => Effect.Effect<A2, E2>
): Effect.Effect<A | A2, Exclude<E, StoreRefusal> | E2> =>
  Effect.catch(
    self,
    (error): Effect.Effect<A2, Exclude<E, StoreRefusal> | E2> =>
      isStoreRefusal(error) ? f(error) : Effect.fail(error as Exclude<E, StoreRefusal>)
  )

export type Kernel = ReturnType<typeof make>
