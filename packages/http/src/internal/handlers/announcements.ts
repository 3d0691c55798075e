/**
 * Announcements (clause 6.5): everyone reads them, staff post and change them.
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
    "announcements",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle("list", () => Effect.map(desk.announcements, (items) => ({ items })).pipe(deskErrors()))
        .handle("post", ({ payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.postAnnouncement(actor, payload).pipe(deskErrors())
          )
        )
        .handle("update", ({ params, payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.updateAnnouncement(actor, params.announcementId, payload).pipe(deskErrors())
          )
        )
    })
  )
