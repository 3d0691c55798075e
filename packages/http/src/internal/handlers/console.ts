/**
 * The agents' console: views with their counts, search (requesters search their own cases), the staff of the
 * directory, and the live stream of changed cases (server-sent events, polling the store, so every process of the
 * app tier sees every other's writes).
 */
import { type CaseQuery, SupportDesk, type SupportCase } from "@support-policy/core"
import { Clock, Effect, Schedule, Stream } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { CurrentActor } from "../../Authentication.ts"
import { Forbidden } from "../../HttpProblem.ts"
import type { Api } from "../../HttpSupportApi.ts"
import type * as HttpViews from "../../HttpViews.ts"
import type { Options } from "../options.ts"
import { deskErrors, inQuery, invalidRequest } from "../problems.ts"

/** A cursor as the API gives it: the position, as base64url JSON. */
export const encodeCursor = (cursor: CaseQuery.Cursor): string =>
  Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString("base64url")

const decodeCursor = (text: string) => {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"))
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (value[0] === null || Number.isSafeInteger(value[0])) &&
      typeof value[1] === "string"
    ) {
      return Effect.succeed({ key: value[0] as number | null, id: value[1] as string })
    }
  } catch {
    // answered below
  }
  return Effect.fail(
    invalidRequest("RequestInvalid", [{ in: "query", path: "cursor", message: "not a cursor this API gave" }])
  )
}

type ConsoleQuery = {
  readonly view?: SupportDesk.View | undefined
  readonly assignee?: string | undefined
  readonly queue?: ReadonlyArray<string> | undefined
  readonly priority?: ReadonlyArray<string> | undefined
  readonly category?: ReadonlyArray<string> | undefined
  readonly channel?: ReadonlyArray<string> | undefined
  readonly q?: string | undefined
  readonly sort?: CaseQuery.Sort | undefined
  readonly order?: CaseQuery.Order | undefined
  readonly limit?: number | undefined
  readonly cursor?: string | undefined
}

/** The ids a list of cases names that a directory may know: assignees and account managers. */
const staffIds = (cases: ReadonlyArray<SupportCase.SupportCase>): ReadonlyArray<string> => {
  const ids = new Set<string>()
  for (const c of cases) {
    if (c.assignee?.id !== undefined) ids.add(c.assignee.id)
    if (c.requester.accountManagerId !== undefined) ids.add(c.requester.accountManagerId)
  }
  return [...ids]
}

/** The other party of a mediation sees no contact details of the requester. */
const summary = (actor: CurrentActor["Service"], c: SupportCase.SupportCase): SupportCase.SupportCase =>
  actor.role !== "requester" || c.requester.id === actor.id
    ? c
    : { ...c, requester: { id: c.requester.id, audience: c.requester.audience, flags: [] } }

/** Seconds of overlap between polls: a write stamped just before the last poll may commit just after it. */
const OVERLAP_MS = 10_000
const HEARTBEAT_MS = 15_000

export const layer = (api: typeof Api, options: Options) =>
  HttpApiBuilder.group(
    api,
    "console",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      const interval = options.liveUpdateMillis ?? 2_000

      const page = (query: ConsoleQuery) =>
        Effect.gen(function* () {
          const actor = yield* CurrentActor
          const after = query.cursor === undefined ? undefined : yield* decodeCursor(query.cursor)
          const found = yield* desk
            .findCases(actor, {
              view: query.view,
              assignee: query.assignee,
              queues: query.queue,
              priorities: query.priority,
              categories: query.category,
              channels: query.channel,
              q: query.q,
              sort: query.sort,
              order: query.order,
              limit: query.limit,
              after
            })
            .pipe(deskErrors(inQuery))
          const items = found.items.map((c) => summary(actor, c))
          const names = yield* desk.displayNames(actor, staffIds(items))
          return {
            items,
            next: found.next === null ? null : encodeCursor(found.next),
            exact: found.exact === null ? null : summary(actor, found.exact),
            didYouMean: found.didYouMean,
            names
          } satisfies HttpViews.CasePage
        })

      return handlers
        .handle("cases", ({ query }) => page(query))
        .handle("search", ({ query }) => page({ view: "all", sort: "updated", ...query }))
        .handle("counts", () =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const items = yield* desk.countViews(actor).pipe(deskErrors())
            return { cap: SupportDesk.countCap, items }
          })
        )
        .handle("people", () =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            return { items: yield* desk.people(actor).pipe(deskErrors()) }
          })
        )
        .handle("changes", ({ query }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            if (actor.role === "requester") {
              return yield* new Forbidden({ code: "StaffOnly", detail: "The live stream of the console is for staff" })
            }
            let since = query.since ?? (yield* Clock.currentTimeMillis)
            let lastBeat = Number.NEGATIVE_INFINITY
            const seen = new Map<string, number>()
            const poll = Effect.gen(function* () {
              const now = yield* Clock.currentTimeMillis
              const changed = yield* desk.changes(actor, { since: since - OVERLAP_MS, limit: 500 })
              const out: Array<HttpViews.Change> = []
              for (const c of changed) {
                if ((seen.get(c.id) ?? 0) >= c.sequence) continue
                seen.set(c.id, c.sequence)
                since = Math.max(since, c.updatedAt)
                out.push({
                  type: "changed",
                  caseId: c.id,
                  trackingNumber: c.trackingNumber,
                  status: c.status,
                  sequence: c.sequence,
                  updatedAt: c.updatedAt,
                  assigneeId: c.assignee?.id ?? null
                })
              }
              if (seen.size > 10_000) seen.clear()
              if (out.length === 0 && now - lastBeat >= HEARTBEAT_MS) {
                lastBeat = now
                out.push({ type: "heartbeat", asOf: now })
              }
              return out
            })
            return Stream.fromEffectSchedule(poll, Schedule.spaced(interval)).pipe(
              Stream.flattenIterable,
              Stream.catchCause((cause) =>
                Stream.fromEffect(Effect.logWarning("support desk: the live stream stopped", cause)).pipe(Stream.drain)
              )
            )
          })
        )
    })
  )
