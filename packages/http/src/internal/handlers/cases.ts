/**
 * Submitting a request, reading a case, listing one's cases, and writing to a case (clauses 2.2–2.4, 6.4).
 */
import { Authorization, SupportDesk } from "@support-policy/core"
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { CurrentActor } from "../../Authentication.ts"
import type { Api } from "../../HttpSupportApi.ts"
import type { Options } from "../options.ts"
import { deskErrors, inQuery } from "../problems.ts"
import { inForce, intakeOf, named, openWith, requireRequester } from "./shared.ts"

export const layer = (api: typeof Api, options: Options) =>
  HttpApiBuilder.group(
    api,
    "cases",
    Effect.fnUntraced(function* (handlers) {
      const desk = yield* SupportDesk.SupportDesk
      return handlers
        .handle("submit", ({ headers, payload }) =>
          Effect.gen(function* () {
            const actor = yield* requireRequester(yield* CurrentActor)
            const policy = yield* inForce(desk)
            const input: SupportDesk.SubmitInput = SupportDesk.assumeDecoded({
              ...intakeOf(policy, options, actor, payload, headers["idempotency-key"]),
              category: payload.category,
              ...(payload.orderReference === undefined ? {} : { orderReference: payload.orderReference })
            })
            return yield* openWith(actor, payload, desk.submit(input))
          })
        )
        .handle("list", ({ query }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            if (query.q !== undefined && query.q.trim() !== "") {
              const found = yield* desk
                .findCases(actor, { q: query.q, sort: "updated", limit: query.limit ?? 50 })
                .pipe(deskErrors(inQuery))
              const items = found.exact === null ? found.items : [found.exact]
              return { items: items.map((c) => Authorization.visibleCase(actor, c)), didYouMean: found.didYouMean }
            }
            const found = yield* desk
              .listCases(actor, { limit: query.limit ?? 50, offset: query.offset ?? 0 })
              .pipe(deskErrors())
            return { items: found }
          })
        )
        .handle("get", ({ params, query }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const view = yield* desk
              .getCase(actor, params.trackingNumber, { before: query.before, limit: query.limit })
              .pipe(deskErrors())
            return yield* named(desk, actor, view)
          })
        )
        .handle("postMessage", ({ params, payload }) =>
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const input = SupportDesk.assumeDecoded(payload)
            if (actor.role !== "requester") {
              return yield* named(
                desk,
                actor,
                yield* desk.reply(actor, params.trackingNumber, input).pipe(deskErrors())
              )
            }
            const current = yield* desk.getCase(actor, params.trackingNumber).pipe(deskErrors())
            const write = current.case.status === "inMediation" ? desk.postStatement : desk.respond
            return yield* named(desk, actor, yield* write(actor, params.trackingNumber, input).pipe(deskErrors()))
          })
        )
    })
  )
