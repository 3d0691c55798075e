/**
 * A requester's request to be forgotten (clause 7.4), made by an administrator: the desk erases their personal data
 * from every case of theirs and answers which cases were anonymised, deleted, or wait on a legal hold.
 */
import { SupportDesk } from "@support-policy/core"
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { CurrentActor } from "../../Authentication.ts"
import type { Api } from "../../HttpSupportApi.ts"
import { deskErrors, inPath } from "../problems.ts"

export const layer = (api: typeof Api) =>
  HttpApiBuilder.group(
    api,
    "erasure",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers.handle("eraseRequester", ({ params }) =>
        Effect.flatMap(Effect.service(CurrentActor), (actor) =>
          desk.eraseRequester(actor, params.id).pipe(deskErrors(inPath))
        )
      )
    })
  )
