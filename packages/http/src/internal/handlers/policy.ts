/**
 * The policy in force, the reply-by plan of a hypothetical request (the desk's `quote`: the same steps as a
 * submission), and the channels open now (clauses 2.1, 2.2). Public.
 */
import { BusinessCalendar, Sla, SupportDesk, SupportPolicy } from "@support-policy/core"
import { Clock, Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Temporal } from "temporal-polyfill"
import type { Api } from "../../HttpSupportApi.ts"
import type * as HttpViews from "../../HttpViews.ts"
import type { Options } from "../options.ts"
import { deskErrors, inQuery, invalidRequest } from "../problems.ts"
import * as views from "../views.ts"
import { defaultChannelOf, inForce, readerLanguage } from "./shared.ts"

/** An instant as an ISO 8601 instant or epoch milliseconds, in the years 2000–2099; else undefined. */
const parseInstant = (text: string): number | undefined => {
  let ms: number | undefined
  if (/^\d{1,15}$/.test(text)) ms = Number(text)
  else if (text.length <= 64) {
    try {
      ms = Temporal.Instant.from(text).epochMilliseconds
    } catch {
      ms = undefined
    }
  }
  return ms !== undefined && ms >= 946_684_800_000 && ms < 4_102_444_800_000 ? ms : undefined
}

export const layer = (api: typeof Api, options: Options) =>
  HttpApiBuilder.group(
    api,
    "policy",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle("get", () => inForce(desk))
        .handle("replyBy", ({ query }) =>
          Effect.gen(function* () {
            const policy = yield* inForce(desk)
            const zone = views.policyZone(policy)
            const receivedAt = query.receivedAt === undefined ? undefined : parseInstant(query.receivedAt)
            if (query.receivedAt !== undefined && receivedAt === undefined) {
              return yield* invalidRequest("RequestInvalid", [
                {
                  in: "query",
                  path: "receivedAt",
                  message:
                    "expected an ISO 8601 instant (2025-04-15T09:30:00+08:00) or epoch milliseconds, in 2000–2099"
                }
              ])
            }
            const quote = yield* desk
              .quote({
                category: query.category,
                channel: query.channel ?? defaultChannelOf(policy, options),
                ...(query.audience === undefined ? {} : { audience: query.audience }),
                ...(query.priority === undefined ? {} : { priority: query.priority }),
                ...(receivedAt === undefined ? {} : { receivedAt })
              })
              .pipe(
                // a channel that would not take the request is a bad choice of the `channel` parameter here
                Effect.catchTag("ChannelNotAccepted", (e) =>
                  Effect.fail(
                    new SupportDesk.InputInvalid({
                      message: e.message,
                      problems: [{ path: "channel", message: e.message }]
                    })
                  )
                ),
                deskErrors(inQuery)
              )
            const timeZone = query.timeZone ?? zone
            const language = yield* readerLanguage
            return {
              receivedAt: quote.receivedAt,
              priority: quote.priority,
              category: quote.category,
              audience: quote.audience,
              channel: quote.channel,
              replyBy: views.replyBy(quote.plan, timeZone, language),
              plan: quote.plan.map((t) => views.plannedTarget(t, timeZone, language))
            }
          })
        )
        .handle("channels", () =>
          Effect.gen(function* () {
            const policy = yield* inForce(desk)
            const calendar = SupportPolicy.calendar(policy)
            const zone = views.policyZone(policy)
            const now = yield* Clock.currentTimeMillis
            const instant = Temporal.Instant.fromEpochMilliseconds(now)
            const open = BusinessCalendar.isOpen(calendar, instant)
            const channels = policy.channels.map((c): HttpViews.ChannelStatus => {
              if (c.availability === "always") {
                return { ...c, openNow: true, nextOpening: null, nextClosing: null, text: "Open 24/7" }
              }
              if (open) {
                const closing = BusinessCalendar.nextClosing(calendar, instant).epochMilliseconds
                return {
                  ...c,
                  openNow: true,
                  nextOpening: null,
                  nextClosing: closing,
                  text: `Open now, until ${Sla.formatInstant(closing, zone)}`
                }
              }
              const opening = BusinessCalendar.nextOpening(calendar, instant).epochMilliseconds
              return {
                ...c,
                openNow: false,
                nextOpening: opening,
                nextClosing: null,
                text: `Closed now; opens ${Sla.formatInstant(opening, zone)}`
              }
            })
            return { asOf: now, timeZone: zone, businessHoursOpenNow: open, channels }
          })
        )
    })
  )
