/**
 * Quality reviews (clause 7.4): the closed cases selected for review and not yet reviewed.
 */
import { SupportDesk } from "@support-policy/core"
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { CurrentActor } from "../../Authentication.ts"
import type { Api } from "../../HttpSupportApi.ts"
import { deskErrors } from "../problems.ts"

export const layer = (api: typeof Api) =>
  HttpApiBuilder.group(
    api,
    "quality",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers.handle("pending", ({ query }) =>
        Effect.gen(function* () {
          const actor = yield* CurrentActor
          const items = yield* desk.qualityReviews(actor, { limit: query.limit ?? 50 }).pipe(deskErrors())
          return { items }
        })
      )
    })
  )
