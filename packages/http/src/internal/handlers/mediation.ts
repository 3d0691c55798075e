/**
 * Platform mediation of disputes (clause 4.5): opening one on an order, asking for one on a case, statements and the
 * outcome.
 */
import { SupportDesk } from "@support-policy/core"
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { CurrentActor } from "../../Authentication.ts"
import type { Api } from "../../HttpSupportApi.ts"
import type { Options } from "../options.ts"
import { act, inForce, intakeOf, openWith, requireRequester } from "./shared.ts"

export const layer = (api: typeof Api, options: Options) =>
  HttpApiBuilder.group(
    api,
    "mediation",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle("open", ({ headers, payload }) =>
          Effect.gen(function* () {
            const actor = yield* requireRequester(yield* CurrentActor)
            const policy = yield* inForce(desk)
            const input: SupportDesk.OpenMediationInput = SupportDesk.assumeDecoded({
              ...intakeOf(policy, options, actor, payload, headers["idempotency-key"]),
              orderReference: payload.orderReference,
              counterpartyId: payload.counterpartyId,
              ...(payload.category === undefined ? {} : { category: payload.category })
            })
            return yield* openWith(actor, payload, desk.openMediation(input))
          })
        )
        .handle("request", act(desk)(desk.requestMediation))
        .handle("postStatement", act(desk)(desk.postStatement))
        .handle("recordOutcome", act(desk)(desk.recordMediationOutcome))
    })
  )
