/**
 * Reading (clause 6.4, "tracking numbers and handling records provided for follow-up"): a case by tracking number
 * with the part of its record the reader may see and its live clocks; a requester's own cases; the agents' queue,
 * earliest due clock first (account managers see their own).
 */
import { Effect, Option } from "effect"
import type * as Actor from "../../Actor.ts"
import * as Authorization from "../../Authorization.ts"
import { CaseNotFound, type Page, type QueueQuery } from "../../CaseStore.ts"
import type { Kernel } from "./kernel.ts"

export const make = (k: Kernel) => {
  const { store } = k

  const getCase = Effect.fn("SupportDesk.getCase")(function* (actor: Actor.Actor, ref: string) {
    const found = yield* k.find(ref)
    if (Option.isNone(found) || Authorization.decide(actor, found.value.case, "view")._tag !== "Allowed") {
      return yield* new CaseNotFound({ caseId: ref })
    }
    return k.viewStored(actor, found.value, yield* k.now)
  })

  const queue = Effect.fn("SupportDesk.queue")(function* (actor: Actor.Actor, query?: Partial<QueueQuery>) {
    yield* k.authorizeDesk(actor, "viewQueue")
    return yield* store.queue({
      ...query,
      limit: query?.limit ?? 50,
      ...(actor.role === "accountManager" ? { assigneeId: actor.id } : {})
    })
  })

  const listCases = Effect.fn("SupportDesk.listCases")(function* (actor: Actor.Actor, page?: Page) {
    const p = page ?? { limit: 50 }
    switch (actor.role) {
      case "requester":
        return yield* store.listByParty(actor.id, p)
      case "accountManager":
        return yield* store.queue({ limit: p.limit, assigneeId: actor.id })
      default:
        return yield* store.queue({ limit: p.limit })
    }
  })

  return { getCase, queue, listCases }
}
