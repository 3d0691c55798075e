/**
 * The versions of the policy (clause 7.1), for administrators: list, read and publish them, and move open cases to
 * one. A published document is decoded by the desk with `SupportPolicy.decode`, so a bad one is a 400 naming each
 * field of the body.
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
    "policyVersions",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle("list", () =>
          Effect.gen(function* () {
            const items = yield* desk.policyVersions(yield* CurrentActor).pipe(deskErrors())
            return { items }
          })
        )
        .handle("get", ({ params }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.policyVersion(actor, params.version).pipe(deskErrors())
          )
        )
        .handle("publish", ({ payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) => desk.publishPolicy(actor, payload).pipe(deskErrors()))
        )
        .handle("moveCases", ({ params, payload }) =>
          Effect.flatMap(Effect.service(CurrentActor), (actor) =>
            desk.movePolicyVersion(actor, params.version, SupportDesk.assumeDecoded(payload)).pipe(deskErrors())
          )
        )
    })
  )
