/**
 * Reading (clause 6.4, "tracking numbers and handling records provided for follow-up"): a case by tracking number
 * with one page of the part of its record the reader may see and its live clocks; a requester's own cases; the
 * agents' queue, earliest due clock first (account managers see their own).
 */
import { Effect } from "effect"
import type * as Actor from "../../Actor.ts"
import * as Authorization from "../../Authorization.ts"
import type { Page, QueueQuery, Stored, StoredPage } from "../../CaseStore.ts"
import type { PageOptions } from "../../SupportDesk.ts"
import { type Kernel, pageQuery } from "./kernel.ts"

/** The most events a view shows at once. */
export const MAX_PAGE = 200

const checkPage = (page: PageOptions | undefined): Effect.Effect<void> => {
  const problems: Array<string> = []
  if (page?.limit !== undefined && (!Number.isSafeInteger(page.limit) || page.limit < 0 || page.limit > MAX_PAGE)) {
    problems.push(`limit: expected a whole number from 0 to ${MAX_PAGE}, got ${page.limit}`)
  }
  if (page?.before !== undefined && (!Number.isSafeInteger(page.before) || page.before < 1)) {
    problems.push(`before: expected a sequence number (1 or more), got ${page.before}`)
  }
  return problems.length === 0 ? Effect.void : Effect.die(new Error(`SupportDesk.getCase: ${problems.join("; ")}`))
}

const hasPage = (stored: Stored | StoredPage): stored is StoredPage => "page" in stored

export const make = (k: Kernel) => {
  const { store } = k

  const getCase = Effect.fn("SupportDesk.getCase")(function* (actor: Actor.Actor, ref: string, page?: PageOptions) {
    yield* checkPage(page)
    // the page the reader most likely may see, asked for with the case (one read of the store); the view reads the
    // page again when the case says the reader sees another part of its record
    const asked = pageQuery(actor.role === "requester" ? { readers: "requester" } : {}, page)
    // one read and one authorization, whether the case is missing or not the actor's: both are a failed lookup
    const stored = yield* k
      .load(actor, ref, "view", asked)
      .pipe(Effect.catchTag("ActionForbidden", () => k.lookupFailed(actor, ref)))
    const read = hasPage(stored) ? { query: asked, events: stored.page } : undefined
    return yield* k.viewStored(actor, stored, yield* k.now, page, read)
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
      case "requester": {
        const found = yield* store.listByParty(actor.id, p)
        return found.map((c) => Authorization.visibleCase(actor, c))
      }
      case "accountManager":
        return yield* store.queue({ limit: p.limit, offset: p.offset, assigneeId: actor.id })
      default:
        return yield* store.queue({ limit: p.limit, offset: p.offset })
    }
  })

  return { getCase, queue, listCases }
}
