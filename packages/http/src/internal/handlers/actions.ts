/**
 * One handler per action of agents, account managers and requesters on a case.
 */
import { SupportDesk } from "@support-policy/core"
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import type { Api } from "../../HttpSupportApi.ts"
import { act } from "./shared.ts"

export const layer = (api: typeof Api) =>
  HttpApiBuilder.group(
    api,
    "actions",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle("reply", act(desk)(desk.reply))
        .handle("progressUpdate", act(desk)(desk.progressUpdate))
        .handle("requestInformation", act(desk)(desk.requestInformation))
        .handle("respond", act(desk)(desk.respond))
        .handle("changePriority", act(desk)(desk.changePriority))
        .handle("assign", act(desk)(desk.assign))
        .handle("escalate", act(desk)(desk.escalate))
        .handle("holdForVerification", act(desk)(desk.holdForVerification))
        .handle("concludeVerification", act(desk)(desk.concludeVerification))
        .handle("resolve", act(desk)(desk.resolve))
        .handle("explain", act(desk)(desk.explain))
        .handle("refuse", act(desk)(desk.refuse))
        .handle("reopen", act(desk)(desk.reopen))
        .handle("close", act(desk)(desk.close))
        .handle("addNote", act(desk)(desk.addNote))
        .handle("recordQualityReview", act(desk)(desk.recordQualityReview))
    })
  )
