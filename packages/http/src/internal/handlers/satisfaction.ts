/**
 * The requester's satisfaction rating (clause 7.4): signed in, on their own case; or through a signed rating link,
 * without signing in (the link stands for the case's requester).
 */
import { SupportDesk } from "@support-policy/core"
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import type { Api } from "../../HttpSupportApi.ts"
import { deskErrors } from "../problems.ts"
import { act } from "./shared.ts"

export const layer = (api: typeof Api) =>
  HttpApiBuilder.group(
    api,
    "satisfaction",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle("rate", act(desk)(desk.rateSatisfaction))
        .handle("formWithToken", ({ payload }) => desk.satisfactionWithToken(payload.token).pipe(deskErrors()))
        .handle("rateWithToken", ({ payload }) => {
          const { token, ...rating } = payload
          return desk.rateSatisfactionWithToken(token, SupportDesk.assumeDecoded(rating)).pipe(deskErrors())
        })
    })
  )
