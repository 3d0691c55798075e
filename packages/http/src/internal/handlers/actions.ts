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
        .handle("reply", act(desk.reply))
        .handle("progressUpdate", act(desk.progressUpdate))
        .handle("requestInformation", act(desk.requestInformation))
        .handle("respond", act(desk.respond))
        .handle("changePriority", act(desk.changePriority))
        .handle("assign", act(desk.assign))
        .handle("escalate", act(desk.escalate))
        .handle("holdForVerification", act(desk.holdForVerification))
        .handle("concludeVerification", act(desk.concludeVerification))
        .handle("resolve", act(desk.resolve))
        .handle("explain", act(desk.explain))
        .handle("refuse", act(desk.refuse))
        .handle("reopen", act(desk.reopen))
        .handle("close", act(desk.close))
        .handle("addNote", act(desk.addNote))
    })
  )
