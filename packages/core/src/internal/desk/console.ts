/**
 * The agents' console (clause 6.4, "tracking numbers and handling records provided for follow-up"; clause 7.4,
 * records used for quality assessment): the views of the desk by status and assignee with their counts, search by
 * tracking number (a mistyped one answered with the numbers it may have meant), order reference, requester, and the
 * words of subjects, descriptions and messages, the people of the directory, the cases changed since a position (live
 * updates), and SLA reports computed from the handling records.
 */
import { Effect, Option } from "effect"
import type * as Actor from "../../Actor.ts"
import * as Authorization from "../../Authorization.ts"
import * as CaseQuery from "../../CaseQuery.ts"
import { InputInvalid } from "../../DeskError.ts"
import * as Directory from "../../Directory.ts"
import * as Reports from "../../Reports.ts"
import type * as SupportCase from "../../SupportCase.ts"
import * as TrackingNumber from "../../TrackingNumber.ts"
import type { Kernel } from "./kernel.ts"

/** The views of the console, each a filter of its own. */
export const views = [
  "active",
  "mine",
  "unassigned",
  "open",
  "awaitingRequester",
  "onHold",
  "inMediation",
  "resolved",
  "refused",
  "closed",
  "all"
] as const

export type View = (typeof views)[number]

const ACTIVE: ReadonlyArray<SupportCase.Status> = ["open", "awaitingRequester", "onHold", "inMediation"]

/** The filter of a view for an actor. */
export const viewFilter = (view: View, actor: Actor.Actor): CaseQuery.Filter => {
  switch (view) {
    case "active":
      return { statuses: ACTIVE }
    case "mine":
      return { statuses: ACTIVE, assignee: actor.id }
    case "unassigned":
      return { statuses: ACTIVE, assignee: null }
    case "resolved":
      return { statuses: ["resolved", "explained"] }
    case "all":
      return {}
    default:
      return { statuses: [view] }
  }
}

/** The input of a list of the console: a view, further filters, an order and a page. */
export interface FindInput {
  readonly view?: View | undefined
  /** `"me"`, `"none"` or a person's id. */
  readonly assignee?: string | undefined
  readonly queues?: ReadonlyArray<string> | undefined
  readonly priorities?: ReadonlyArray<string> | undefined
  readonly categories?: ReadonlyArray<string> | undefined
  readonly channels?: ReadonlyArray<string> | undefined
  /** Words to find (`CaseQuery.terms`). */
  readonly q?: string | undefined
  readonly sort?: CaseQuery.Sort | undefined
  readonly order?: CaseQuery.Order | undefined
  readonly limit?: number | undefined
  readonly after?: CaseQuery.Cursor | undefined
}

/** A page of cases, the cursor of the next one (null at the end), and the tracking numbers a query may have meant. */
export interface CasePage {
  readonly items: ReadonlyArray<SupportCase.SupportCase>
  readonly next: CaseQuery.Cursor | null
  /** The case whose tracking number the query is, when it is one the actor may see. */
  readonly exact: SupportCase.SupportCase | null
  /** For a tracking number with a mistyped character: the numbers of the actor's cases it may have meant. */
  readonly didYouMean: ReadonlyArray<string>
}

/** How many cases each view holds, counted up to `cap` (`count === cap` reads "cap or more"). */
export interface ViewCount {
  readonly view: View
  readonly count: number
}

/** The most a count counts: beyond it the console shows "10,000+". */
export const countCap = 10_000

const MAX_TERMS = 8
const MAX_TERM = 100
const MAX_PERIOD = 366 * 86_400_000

const invalid = (path: string, message: string) =>
  new InputInvalid({ message: `${path}: ${message}`, problems: [{ path, message }] })

export const make = (k: Kernel) => {
  const { store } = k

  /** What an actor may see of the desk's cases: staff all, account managers theirs, requesters their own. */
  const scopeOf = (actor: Actor.Actor): CaseQuery.Filter =>
    actor.role === "requester"
      ? { partyId: actor.id }
      : actor.role === "accountManager"
        ? { accountManagerId: actor.id }
        : {}

  const textOf = (actor: Actor.Actor, q: string | undefined) =>
    Effect.gen(function* () {
      if (q === undefined) return undefined
      const terms = CaseQuery.terms(q)
      if (terms.length === 0) return undefined
      if (terms.length > MAX_TERMS) return yield* invalid("q", `at most ${MAX_TERMS} words`)
      if (terms.some((t) => t.length > MAX_TERM)) return yield* invalid("q", `words of at most ${MAX_TERM} characters`)
      if (!terms.some(CaseQuery.isIndexable)) {
        return yield* invalid(
          "q",
          "give at least one word of three or more letters or digits, or a Chinese, Japanese or Korean character"
        )
      }
      return { terms, scope: actor.role === "requester" ? "requester" : "staff" } satisfies CaseQuery.Text
    })

  const filterOf = (actor: Actor.Actor, input: FindInput) =>
    Effect.gen(function* () {
      const assignee =
        input.assignee === undefined
          ? {}
          : { assignee: input.assignee === "me" ? actor.id : input.assignee === "none" ? null : input.assignee }
      const text = yield* textOf(actor, input.q)
      return {
        ...viewFilter(input.view ?? "all", actor),
        ...assignee,
        ...(input.queues === undefined ? {} : { queues: input.queues }),
        ...(input.priorities === undefined ? {} : { priorities: input.priorities }),
        ...(input.categories === undefined ? {} : { categories: input.categories }),
        ...(input.channels === undefined ? {} : { channels: input.channels }),
        ...(text === undefined ? {} : { text }),
        ...scopeOf(actor)
      } satisfies CaseQuery.Filter
    })

  /** Whether the actor may see the case (`Authorization`). */
  const visible = (actor: Actor.Actor, c: SupportCase.SupportCase) =>
    Authorization.decide(actor, c, "view")._tag === "Allowed"

  /** A tracking number typed in a query: the case it names, or the numbers it may have meant. */
  const byTrackingNumber = (actor: Actor.Actor, q: string | undefined) =>
    Effect.gen(function* () {
      const none = { exact: null, didYouMean: [] as ReadonlyArray<string> }
      const typed = (q ?? "").replace(/[\s-]/g, "")
      const policy = yield* k.inForce
      const prefix = policy.tracking.prefix
      if (!/^[A-Za-z0-9]+$/.test(typed) || (typed.length !== 9 && typed.length !== prefix.length + 9)) return none
      const exact = TrackingNumber.parse(policy.tracking.prefix, typed)
      if (Option.isSome(exact)) {
        const found = yield* store.getByTrackingNumber(exact.value)
        return Option.isSome(found) && visible(actor, found.value.case) ? { ...none, exact: found.value.case } : none
      }
      const candidates = TrackingNumber.suggest(policy.tracking.prefix, typed)
      const meant: Array<string> = []
      for (const candidate of candidates) {
        const found = yield* store.getByTrackingNumber(candidate)
        if (Option.isSome(found) && visible(actor, found.value.case)) meant.push(candidate)
      }
      return { exact: null, didYouMean: meant }
    })

  /** A list of the console: a view, filters and words, in an order, a page at a time with no cap. */
  const findCases = Effect.fn("SupportDesk.findCases")(function* (actor: Actor.Actor, input: FindInput) {
    if (actor.role !== "requester") yield* k.authorizeDesk(actor, "viewQueue")
    const limit = input.limit ?? 50
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) {
      return yield* invalid("limit", "expected a whole number from 1 to 500")
    }
    const sort = input.sort ?? "due"
    const order = input.order ?? (sort === "due" ? "asc" : "desc")
    const looked = input.after === undefined ? yield* byTrackingNumber(actor, input.q) : undefined
    if (looked?.exact != null) {
      return { items: [looked.exact], next: null, exact: looked.exact, didYouMean: [] } satisfies CasePage
    }
    const filter = yield* filterOf(actor, input)
    const found = yield* store.find({ ...filter, sort, order, limit: limit + 1, after: input.after })
    const items = found.slice(0, limit)
    return {
      items,
      next: found.length > limit ? CaseQuery.cursorOf(items[items.length - 1], sort) : null,
      exact: null,
      didYouMean: looked?.didYouMean ?? []
    } satisfies CasePage
  })

  /** How many cases each view holds for the actor (staff), counted up to {@link countCap}. */
  const countViews = Effect.fn("SupportDesk.countViews")(function* (actor: Actor.Actor) {
    yield* k.authorizeDesk(actor, "viewQueue")
    return yield* Effect.forEach(
      views,
      (view) =>
        Effect.map(
          store.count({ ...viewFilter(view, actor), ...scopeOf(actor) }, countCap),
          (count): ViewCount => ({ view, count })
        ),
      { concurrency: 4 }
    )
  })

  /** The staff of the directory (staff only); empty without a directory. */
  const people = Effect.fn("SupportDesk.people")(function* (actor: Actor.Actor) {
    yield* k.authorizeDesk(actor, "viewQueue")
    return yield* k.directoryPeople
  })

  /**
   * Display names for ids: staff from the directory, the caller from their own actor data. Ids without a name are
   * left out.
   */
  const displayNames = Effect.fn("SupportDesk.displayNames")(function* (
    actor: Actor.Actor,
    ids: ReadonlyArray<string>
  ) {
    const names: Record<string, string> = {}
    const wanted = new Set(ids)
    if (wanted.size === 0) return names
    const known = Directory.namesOf(yield* k.directoryPeople)
    for (const id of wanted) {
      const name = known.get(id)
      if (name !== undefined) names[id] = name
    }
    if (actor.name !== undefined && wanted.has(actor.id)) names[actor.id] = actor.name
    return names
  })

  /**
   * The cases the actor may see that changed at or after a position of the `updated` order (oldest change first):
   * what a live view polls.
   */
  const changes = Effect.fn("SupportDesk.changes")(function* (
    actor: Actor.Actor,
    options: { readonly since: number; readonly limit: number }
  ) {
    if (actor.role !== "requester") yield* k.authorizeDesk(actor, "viewQueue")
    return yield* store.find({
      ...scopeOf(actor),
      updatedSince: options.since,
      sort: "updated",
      order: "asc",
      limit: options.limit
    })
  })

  /**
   * An SLA report over `[from, to)` (agents and administrators): the cases still owing an answer at its end and the
   * cases updated in it are read from the store in batches, their records evaluated once each (`Reports`).
   */
  const slaReport = Effect.fn("SupportDesk.slaReport")(function* (actor: Actor.Actor, query: Reports.Query) {
    yield* k.authorizeDesk(actor, "viewReports")
    if (!Number.isSafeInteger(query.from) || !Number.isSafeInteger(query.to) || query.from >= query.to) {
      return yield* invalid("to", "expected an instant after from")
    }
    if (query.to - query.from > MAX_PERIOD) return yield* invalid("to", "a report covers at most 366 days")
    const now = yield* k.now
    // each case under the version it names: loaded into the desk's cache before the builder reads it
    const builder = Reports.make(yield* k.inForce, query, now, { versions: k.policies.loaded })
    const batch = 200
    const visit = (filter: CaseQuery.Filter) =>
      Effect.gen(function* () {
        let after: CaseQuery.Cursor | undefined
        for (;;) {
          const found = yield* store.find({ ...filter, sort: "received", order: "asc", limit: batch, after })
          if (found.length === 0) return
          for (const stored of yield* store.getMany(found.map((c) => c.id))) {
            yield* k.rulesOfCase(stored)
            builder.add(stored)
          }
          if (found.length < batch) return
          after = CaseQuery.cursorOf(found[found.length - 1], "received")
        }
      })
    // still owing an answer (whenever last updated), then every other case updated in or after the period
    yield* visit({ statuses: ACTIVE, openedBefore: query.to })
    yield* visit({
      statuses: ["resolved", "explained", "refused", "closed"],
      openedBefore: query.to,
      updatedSince: query.from
    })
    // the cases deleted by erasure, by their tallies (decision 73)
    let after: { readonly openedAt: number; readonly caseId: string } | undefined
    for (;;) {
      const tallies = yield* store.listTallies({
        openedBefore: query.to,
        updatedSince: query.from,
        limit: batch,
        after
      })
      for (const tally of tallies) {
        yield* k.policies.version(tally.policyVersion)
        builder.addTally(tally)
      }
      if (tallies.length < batch) break
      after = { openedAt: tallies[tallies.length - 1].openedAt, caseId: tallies[tallies.length - 1].caseId }
    }
    return builder.result()
  })

  return { findCases, countViews, people, displayNames, changes, slaReport }
}
