/**
 * The agents' queue, with its due-soon and breached badges in business time, the caller's SLA alerts, and who the
 * caller is.
 */
import { BusinessCalendar, type CaseStore, SupportDesk, SupportPolicy } from "@support-policy/core"
import { Clock, Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { CurrentActor } from "../../Authentication.ts"
import type { FieldProblem } from "../../HttpProblem.ts"
import type { Api } from "../../HttpSupportApi.ts"
import type * as HttpViews from "../../HttpViews.ts"
import type { Options } from "../options.ts"
import { deskErrors, invalidRequest } from "../problems.ts"
import { inForce } from "./shared.ts"

export const layer = (api: typeof Api, options: Options) =>
  HttpApiBuilder.group(
    api,
    "desk",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      const dueSoonMinutes = options.dueSoonMinutes ?? 240
      return handlers
        .handle("queue", ({ query }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const policy = yield* inForce(desk)
            const calendar = SupportPolicy.calendar(policy)
            const problems: Array<FieldProblem> = []
            ;(query.priority ?? []).forEach((id, i) => {
              if (!policy.priorities.some((p) => p.id === id)) {
                problems.push({ in: "query", path: `priority[${i}]`, message: `unknown priority "${id}"` })
              }
            })
            ;(query.category ?? []).forEach((id, i) => {
              if (!policy.categories.some((c) => c.id === id)) {
                problems.push({ in: "query", path: `category[${i}]`, message: `unknown category "${id}"` })
              }
            })
            if (problems.length > 0) return yield* invalidRequest("RequestInvalid", problems)
            const now = yield* Clock.currentTimeMillis
            const dueSoonUntil = BusinessCalendar.addBusinessMillis(
              calendar,
              now,
              (query.dueSoonMinutes ?? dueSoonMinutes) * 60_000
            )
            const breached = query.breached === true
            const dueSoon = query.dueSoon === true
            const filter: Partial<CaseStore.QueueQuery> = {
              limit: query.limit ?? 50,
              ...(query.priority === undefined ? {} : { priorities: query.priority }),
              ...(query.category === undefined ? {} : { categories: query.category }),
              ...(query.assignee === undefined ? {} : { assigneeId: query.assignee }),
              ...(breached && !dueSoon ? { dueBefore: now } : {}),
              ...(dueSoon ? { dueBefore: dueSoonUntil } : {}),
              // due soon only: the queue after every case due at or before now (instants are whole milliseconds,
              // ids are never empty)
              ...(dueSoon && !breached ? { after: { nextDueAt: now + 1, id: "" } } : {})
            }
            const found = yield* desk.queue(actor, filter).pipe(deskErrors())
            const items: Array<HttpViews.QueueItem> = []
            for (const c of found) {
              if (c.nextDueAt === null) continue
              const due = c.nextDueAt
              items.push({
                case: c,
                dueAt: due,
                badge: due <= now ? "breached" : due <= dueSoonUntil ? "dueSoon" : "onTrack",
                businessMsLeft:
                  due >= now
                    ? BusinessCalendar.businessMillisBetween(calendar, now, due)
                    : -BusinessCalendar.businessMillisBetween(calendar, due, now)
              })
            }
            return { asOf: now, dueSoonUntil, items }
          })
        )
        .handle("alerts", ({ query }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const limit = query.limit ?? 50
            const cursor = query.before === undefined ? undefined : /^(\d+)\.(\d+)\.(.+)$/.exec(query.before)
            const before =
              cursor === undefined || cursor === null
                ? undefined
                : { firedAt: Number(cursor[1]), sequence: Number(cursor[2]), caseId: cursor[3] }
            const items = yield* desk.alerts(actor, { limit, before }).pipe(deskErrors())
            const last = items.length === limit ? items[items.length - 1] : undefined
            return {
              asOf: yield* Clock.currentTimeMillis,
              items,
              next: last === undefined ? null : `${last.firedAt}.${last.sequence}.${last.caseId}`
            }
          })
        )
        .handle("me", () => Effect.map(Effect.service(CurrentActor), (actor) => ({ actor })))
    })
  )
