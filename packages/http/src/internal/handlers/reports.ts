/**
 * SLA reports (clause 7.4): JSON, or CSV when the client accepts `text/csv`. The period's ends are dates in the
 * policy's time zone (`2025-06-01`, midnight), ISO instants or epoch milliseconds.
 */
import { Reports, SupportDesk } from "@support-policy/core"
import { Effect } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApiBuilder } from "effect/http-api"
import { Temporal } from "temporal-polyfill"
import { CurrentActor } from "../../Authentication.ts"
import type { FieldProblem } from "../../HttpProblem.ts"
import type { Api } from "../../HttpSupportApi.ts"
import { deskErrors, inQuery, invalidRequest } from "../problems.ts"

/** An instant from a date in `timeZone`, an ISO instant or epoch milliseconds; undefined when it is none of them. */
export const parseInstant = (text: string, timeZone: string): number | undefined => {
  try {
    if (/^\d{1,15}$/.test(text)) return Number(text)
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
      return Temporal.PlainDate.from(text).toZonedDateTime({ timeZone }).epochMilliseconds
    }
    return Temporal.Instant.from(text).epochMilliseconds
  } catch {
    return undefined
  }
}

export const layer = (api: typeof Api) =>
  HttpApiBuilder.group(
    api,
    "reports",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers.handle("sla", ({ query }) =>
        Effect.gen(function* () {
          const actor = yield* CurrentActor
          const zone = (yield* desk.policyInForce.pipe(deskErrors())).calendar.spec.timeZone
          const problems: Array<FieldProblem> = []
          const from = parseInstant(query.from, zone)
          const to = parseInstant(query.to, zone)
          const message = "expected a date (YYYY-MM-DD), an ISO instant or epoch milliseconds"
          if (from === undefined) problems.push({ in: "query", path: "from", message })
          if (to === undefined) problems.push({ in: "query", path: "to", message })
          if (from === undefined || to === undefined) return yield* invalidRequest("RequestInvalid", problems)
          const report = yield* desk
            .slaReport(actor, { from, to, groupBy: query.groupBy ?? "week" })
            .pipe(deskErrors(inQuery))
          const request = yield* HttpServerRequest.HttpServerRequest
          if (/\btext\/csv\b/i.test(request.headers.accept ?? "")) {
            return HttpServerResponse.text(Reports.toCsv(report), {
              contentType: "text/csv; charset=utf-8",
              headers: {
                "content-disposition": `attachment; filename="sla-${report.groupBy}-${query.from}-${query.to}.csv"`
              }
            })
          }
          return report
        })
      )
    })
  )
