/**
 * System-wide incidents (clause 6.5), for staff: declare, read, update, link cases, resolve.
 */
import { SupportDesk } from "@support-policy/core"
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { CurrentActor } from "../../Authentication.ts"
import type { Api } from "../../HttpSupportApi.ts"
import { deskErrors } from "../problems.ts"
import * as views from "../views.ts"
import { requireStaff } from "./shared.ts"

export const layer = (api: typeof Api) =>
  HttpApiBuilder.group(
    api,
    "incidents",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle("declare", ({ payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.declareIncident(actor, payload).pipe(deskErrors())
          )
        )
        .handle("list", ({ query }) =>
          Effect.gen(function* () {
            yield* requireStaff(yield* CurrentActor)
            const items = yield* desk
              .listIncidents({ activeOnly: query.active ?? false, limit: query.limit ?? 50 })
              .pipe(deskErrors())
            return { items }
          })
        )
        .handle("get", ({ params }) =>
          Effect.gen(function* () {
            yield* requireStaff(yield* CurrentActor)
            return yield* desk.getIncident(params.incidentId).pipe(deskErrors())
          })
        )
        .handle("update", ({ params, payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.updateIncident(actor, params.incidentId, payload).pipe(deskErrors())
          )
        )
        .handle("linkCase", ({ params, payload }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const view = yield* desk.linkCase(actor, params.incidentId, payload.trackingNumber).pipe(deskErrors())
            return views.caseViewResponse(actor, view)
          })
        )
        .handle("resolve", ({ params, payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.resolveIncident(actor, params.incidentId, payload).pipe(deskErrors())
          )
        )
    })
  )
