/**
 * Demo data, written once, on the first start of an empty database: a handful of cases in different states (one past
 * its first-response deadline, one due soon, one expedited through an account manager, one waiting for the
 * requester, one resolved, one fresh) and an announcement. With a host's policy (`POLICY_FILE`) each case takes the
 * preset's category and channel where the policy has them, and otherwise the policy's first category for the
 * requester's audience and its first always-open channel that opens cases; a case whose requester's audience the
 * policy does not serve is left out.
 *
 * The cases go through the desk itself, each step at an instant in the past: the desk reads the time from Effect's
 * `Clock`, so the seed runs each step with a clock set to that instant. The whole seed is one transaction with its
 * marker row, so a start interrupted half-way seeds again from scratch.
 */
import { type Actor, BusinessCalendar, SupportDesk, SupportPolicy } from "@support-policy/core"
import { Clock, Effect } from "effect"
import { SqlClient } from "effect/sql"
import * as DemoActors from "./DemoActors.ts"

/** What the seed wrote (empty when the database was seeded before). */
export interface SeedResult {
  readonly seeded: boolean
  readonly trackingNumbers: ReadonlyArray<string>
}

const HOUR = 3_600_000

const profile = (requester: Actor.Requester): Actor.RequesterProfile => {
  const { role: _, ...rest } = requester
  return rest
}

/** A clock stopped at `at` for the desk; sleeping and monotonic time stay those of `live`. */
const clockAt = (live: Clock.Clock, at: number): Clock.Clock => ({
  currentTimeMillisUnsafe: () => at,
  currentTimeMillis: Effect.succeed(at),
  currentTimeNanosUnsafe: () => BigInt(at) * 1_000_000n,
  currentTimeNanos: Effect.succeed(BigInt(at) * 1_000_000n),
  monotonicTimeNanosUnsafe: () => live.monotonicTimeNanosUnsafe(),
  monotonicTimeNanos: live.monotonicTimeNanos,
  sleep: (duration) => live.sleep(duration)
})

/** Seeds the demo data unless the database already holds it. */
export const seedOnce: Effect.Effect<SeedResult, unknown, SqlClient.SqlClient | SupportDesk.SupportDesk> = Effect.gen(
  function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE IF NOT EXISTS demo_seed (id integer PRIMARY KEY, seeded_at bigint NOT NULL)`
    const done = yield* sql<{ id: number }>`SELECT id FROM demo_seed WHERE id = 1`
    if (done.length > 0) return { seeded: false, trackingNumbers: [] }
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const trackingNumbers = yield* seedCases
        const now = yield* Clock.currentTimeMillis
        yield* sql`INSERT INTO demo_seed (id, seeded_at) VALUES (1, ${now})`
        return { seeded: true, trackingNumbers }
      })
    )
  }
)

const seedCases = Effect.gen(function* () {
  const desk = yield* SupportDesk.SupportDesk
  const live = yield* Clock.Clock
  const now = live.currentTimeMillisUnsafe()
  const calendar = SupportPolicy.calendar(yield* desk.policyInForce)

  /** The instant `businessMs` of business time before now (in the policy's service hours). */
  const back = (businessMs: number): number => {
    let t = now
    while (BusinessCalendar.businessMillisBetween(calendar, t, now) < businessMs) t -= 15 * 60_000
    return t
  }
  const at = <A, E, R>(instant: number, effect: Effect.Effect<A, E, R>) =>
    Effect.provideService(effect, Clock.Clock, clockAt(live, instant))

  const day = 9 * HOUR // one business day: 09:00–18:00
  const policy = yield* desk.policyInForce
  const fallbackChannel = policy.channels.find((c) => c.availability === "always" && c.opensCase)?.id
  /** The request as the policy can take it: its category and channel where the policy has them, else the closest. */
  const fit = (input: SupportDesk.SubmitInput): SupportDesk.SubmitInput | undefined => {
    const audience = input.requester.audience
    const category = policy.categories.some((c) => c.id === input.category && c.audiences.includes(audience))
      ? input.category
      : policy.categories.find((c) => c.audiences.includes(audience))?.id
    const channel = policy.channels.some((c) => c.id === input.channel && c.opensCase) ? input.channel : fallbackChannel
    return category === undefined || channel === undefined ? undefined : { ...input, category, channel }
  }
  const submit = (instant: number, input: SupportDesk.SubmitInput) => {
    const fitted = fit(input)
    return fitted === undefined
      ? Effect.succeed(undefined)
      : at(
          instant,
          Effect.map(desk.submit(fitted), (s) => s.view.case.trackingNumber)
        )
  }
  const on = <A, E, R>(trackingNumber: string | undefined, f: (tn: string) => Effect.Effect<A, E, R>) =>
    trackingNumber === undefined ? Effect.void : Effect.asVoid(f(trackingNumber))

  // 1. A buyer's order question, past its first-response deadline (2 business days, clause 6.1).
  const overdue = yield* submit(back(2 * day + 3 * HOUR), {
    requester: profile(DemoActors.buyer),
    channel: "online-form",
    category: "order-delivery",
    subject: "Order PO-88231 has not shipped",
    description: "The supplier confirmed payment ten days ago but the order still shows 'awaiting shipment'.",
    orderReference: "PO-88231",
    language: "en"
  })

  // 2. A supplier's upload problem, three quarters through its first-response time: due soon.
  const dueSoon = yield* submit(back(day + 6 * HOUR), {
    requester: profile(DemoActors.supplier),
    channel: "email",
    category: "product-uploads",
    subject: "Product images fail to upload",
    description: "Every JPEG over 2 MB fails with 'upload error 413' in the product editor since Monday.",
    language: "en"
  })

  // 3. A high-priority bug from a buyer with a dedicated account manager: routed to the manager (clause 2.4).
  const expedited = yield* submit(back(2 * HOUR), {
    requester: profile(DemoActors.buyerWithAccountManager),
    channel: "online-form",
    category: "platform-bugs",
    subject: "Checkout page crashes on Safari",
    description: "Our purchasing team cannot confirm orders: the checkout page goes blank after 'Place order'.",
    language: "en"
  })

  // 4. A question the desk answered with a request for information: waiting for the requester.
  const awaitingStart = back(day)
  const awaiting = yield* submit(awaitingStart, {
    requester: profile(DemoActors.buyer),
    channel: "email",
    category: "consultation",
    subject: "How do I request samples from several suppliers?",
    description: "I would like to compare samples of LED panels from three suppliers before ordering.",
    language: "en"
  })
  yield* on(awaiting, (tn) =>
    at(
      back(4 * HOUR),
      desk.requestInformation(DemoActors.agent, tn, {
        body: "Happy to help. Which product category and quantities are you sourcing, and to which country?"
      })
    )
  )

  // 5. A supplier's question, answered and resolved.
  const resolved = yield* submit(back(4 * day), {
    requester: profile(DemoActors.supplier),
    channel: "online-form",
    category: "listing-optimisation",
    subject: "Which keywords should I use for my new product line?",
    description: "We launch a range of USB-C chargers next month and want them to be found by buyers.",
    language: "en"
  })
  yield* on(resolved, (tn) =>
    Effect.andThen(
      at(
        back(3 * day + 4 * HOUR),
        desk.reply(DemoActors.agent, tn, {
          body: 'Use the product\'s type and key specification first ("USB-C charger 65W GaN"), then the use case.'
        })
      ),
      at(
        back(day),
        desk.resolve(DemoActors.agent, tn, {
          body: "We also added three suggested tags to your listing draft. Reply within 7 business days to reopen."
        })
      )
    )
  )

  // 6. A fresh question.
  const fresh = yield* submit(back(30 * 60_000), {
    requester: profile(DemoActors.buyer),
    channel: "online-form",
    category: "supplier-verification",
    subject: "Is Shenzhen Bright Co. a verified supplier?",
    description: "Before placing a first order I would like to see their verification details and credit references.",
    language: "en"
  })

  yield* desk.postAnnouncement(DemoActors.administrator, {
    title: "Scheduled maintenance this Saturday",
    body: "Product uploads may be slow on Saturday from 02:00 to 04:00 (UTC+08:00) while we upgrade our storage.",
    expiresAt: now + 30 * 24 * HOUR
  })

  return [overdue, dueSoon, expedited, awaiting, resolved, fresh].filter((tn): tn is string => tn !== undefined)
})
