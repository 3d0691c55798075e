/**
 * The requester's satisfaction rating (filed under clause 7.4; the preset asks one question on a 1–5 scale within 7
 * business days of the answer): who may rate and when, one rating per case, what a low rating does, and signed
 * rating links.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Randomness from "../src/Randomness.ts"
import * as SatisfactionToken from "../src/SatisfactionToken.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import * as SupportPolicy from "../src/SupportPolicy.ts"
import {
  administrator,
  agent,
  buyer,
  failure,
  hk,
  messages,
  orders,
  policy,
  request,
  setNow,
  stored,
  submit,
  supplier,
  types
} from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk
const secret = Redacted.make("a-secret-of-the-host-at-least-32-characters")

const deskWith = (p: SupportPolicy.SupportPolicy = policy) =>
  SupportDesk.layerMemory(p, { randomness: Randomness.layerSeeded(11), satisfactionSecret: secret })

/** A case submitted Monday 9 June 2025 10:00 and resolved at 11:00. */
const resolvedCase = Effect.gen(function* () {
  const desk = yield* Desk
  yield* setNow("2025-06-09T10:00")
  const tn = yield* submit(buyer)
  yield* setNow("2025-06-09T11:00")
  yield* desk.resolve(agent, tn, { body: "Done." })
  return tn
})

describe("SupportDesk satisfaction (clause 7.4)", () => {
  it.effect("the preset asks one question on a 1–5 scale, within 7 business days of the answer", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(
        [policy.satisfaction?.scale, policy.satisfaction?.withinBusinessDays, policy.satisfaction?.lowRating],
        [{ min: 1, max: 5 }, 7, { atMost: 2, action: "review" }]
      )
      const desk = yield* Desk
      const tn = yield* resolvedCase
      const view = yield* desk.getCase(buyer, tn)
      // 7 business days from Monday 11:00: Wednesday 18 June 11:00
      assert.deepStrictEqual(view.satisfaction, {
        question: "How satisfied are you with how we handled your request?",
        scale: { min: 1, max: 5 },
        comment: "optional",
        openUntil: hk("2025-06-18T11:00"),
        rating: null
      })
      yield* setNow("2025-06-18T11:00")
      const rated = yield* desk.rateSatisfaction(buyer, tn, { rating: 4, comment: "Quick and clear." })
      assert.deepStrictEqual(rated.satisfaction?.rating, {
        rating: 4,
        comment: "Quick and clear.",
        at: hk("2025-06-18T11:00")
      })
      assert.isNull(rated.satisfaction?.openUntil)
      // the rating is the desk's to read: not an event of the requester's copy of the record
      assert.notInclude(types(rated.events), "satisfactionRated")
      assert.include(types((yield* stored(tn)).events), "satisfactionRated")
    }).pipe(Effect.provide(deskWith()))
  )

  it.effect("a case is rated once (a second rating is SatisfactionAlreadyRated), within its window only", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* resolvedCase
      yield* setNow("2025-06-18T11:01")
      const late = yield* failure(desk.rateSatisfaction(buyer, tn, { rating: 5 }))
      assert.deepStrictEqual(late._tag === "SatisfactionNotAvailable" && [late.reason, late.windowEndedAt], [
        "windowClosed",
        hk("2025-06-18T11:00")
      ])
      const other = yield* resolvedCase
      yield* desk.rateSatisfaction(buyer, other, { rating: 5 })
      const second = yield* failure(desk.rateSatisfaction(buyer, other, { rating: 1 }))
      assert.deepStrictEqual(second._tag === "SatisfactionAlreadyRated" && second.ratedAt, hk("2025-06-09T11:00"))
      assert.strictEqual(types((yield* stored(other)).events).filter((t) => t === "satisfactionRated").length, 1)
    }).pipe(Effect.provide(deskWith()))
  )

  it.effect("only the requester rates, an answered case, on the policy's scale", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const open = yield* submit(buyer)
      assert.strictEqual(
        (yield* failure(desk.rateSatisfaction(buyer, open, { rating: 3 })))._tag,
        "TransitionNotAllowed"
      )
      const tn = yield* resolvedCase
      for (const actor of [agent, administrator]) {
        assert.strictEqual((yield* failure(desk.rateSatisfaction(actor, tn, { rating: 3 })))._tag, "ActionForbidden")
      }
      assert.strictEqual((yield* failure(desk.rateSatisfaction(supplier, tn, { rating: 3 })))._tag, "CaseNotFound")
      for (const rating of [0, 6]) {
        const error = yield* failure(desk.rateSatisfaction(buyer, tn, { rating }))
        assert.deepStrictEqual(error._tag === "InputInvalid" && error.problems, [
          { path: "rating", message: "expected a whole number from 1 to 5" }
        ])
      }
      const blank = yield* failure(desk.rateSatisfaction(buyer, tn, { rating: 3, comment: "  " }))
      assert.strictEqual(blank._tag === "InputInvalid" && blank.problems[0].path, "comment")
      // a refused case is not rated, even once closed
      const refused = yield* submit(buyer, { subject: "Rude" })
      yield* desk.refuse(agent, refused, { reason: policy.refusal.reasons[0].code })
      yield* desk.close(agent, refused, {})
      const error = yield* failure(desk.rateSatisfaction(buyer, refused, { rating: 1 }))
      assert.strictEqual(error._tag === "SatisfactionNotAvailable" && error.reason, "notAnswered")
      // a case closed unanswered is rated from its closing
      const withdrawn = yield* submit(buyer, { subject: "Never mind" })
      yield* desk.requestInformation(agent, withdrawn, { body: "Which order?" })
      yield* desk.close(buyer, withdrawn, {})
      assert.strictEqual((yield* desk.getCase(buyer, withdrawn)).satisfaction?.openUntil, hk("2025-06-18T11:00"))
    }).pipe(Effect.provide(deskWith()))
  )

  it.effect("a low rating of a closed case selects it for quality review at once (lowSatisfaction)", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* resolvedCase
      yield* desk.close(agent, tn, {})
      yield* desk.rateSatisfaction(buyer, tn, { rating: 2, comment: "Slow." })
      const last = (yield* stored(tn)).events.at(-1)
      assert.deepStrictEqual(last?.type === "qualityReviewSelected" && [last.actor, last.reasons], [
        { role: "system", id: "support-desk" },
        ["lowSatisfaction"]
      ])
      const reviews = yield* desk.qualityReviews(agent, { limit: 10 })
      const mine = reviews.find((r) => r.case.trackingNumber === tn)
      assert.include(mine?.reasons ?? [], "lowSatisfaction")
      // a good rating selects nothing
      const happy = yield* resolvedCase
      yield* desk.close(agent, happy, {})
      const before = types((yield* stored(happy)).events).length
      yield* desk.rateSatisfaction(buyer, happy, { rating: 5 })
      assert.strictEqual(types((yield* stored(happy)).events).length, before + 1)
    }).pipe(Effect.provide(deskWith({ ...policy, qualityReview: { ...policy.qualityReview, sampleRate: 0 } })))
  )

  it.effect("a low rating of a resolved case is reviewed when it closes; with action reopen, it reopens", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* resolvedCase
      yield* desk.rateSatisfaction(buyer, tn, { rating: 1 })
      const closed = yield* desk.close(agent, tn, {})
      assert.strictEqual(closed.case.status, "closed")
      const selection = (yield* stored(tn)).events.find((e) => e.type === "qualityReviewSelected")
      assert.deepStrictEqual(selection?.type === "qualityReviewSelected" && selection.reasons, ["lowSatisfaction"])
    }).pipe(Effect.provide(deskWith({ ...policy, qualityReview: { ...policy.qualityReview, sampleRate: 0 } })))
  )

  it.effect("with lowRating.action reopen, a low rating reopens the answered case", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* resolvedCase
      yield* setNow("2025-06-10T10:00")
      const view = yield* desk.rateSatisfaction(buyer, tn, { rating: 2 })
      assert.strictEqual(view.case.status, "open")
      assert.deepStrictEqual(types((yield* stored(tn)).events).slice(-2), ["satisfactionRated", "reopened"])
      // the reopened case owes a first response again, within 2 business days
      assert.strictEqual(
        view.sla.clocks.find((c) => c.cycle === 2 && c.metric === "firstResponse")?.dueAt,
        hk("2025-06-12T10:00")
      )
    }).pipe(
      Effect.provide(
        deskWith({
          ...policy,
          satisfaction: { ...policy.satisfaction!, lowRating: { atMost: 2, action: "reopen" } }
        })
      )
    )
  )

  it.effect("a policy that asks nothing, or takes no comment", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* resolvedCase
      assert.isNull((yield* desk.getCase(buyer, tn)).satisfaction)
      const error = yield* failure(desk.rateSatisfaction(buyer, tn, { rating: 3 }))
      assert.strictEqual(error._tag === "SatisfactionNotAvailable" && error.reason, "notAsked")
    }).pipe(Effect.provide(deskWith((({ satisfaction: _s, ...rest }) => rest)(policy) as SupportPolicy.SupportPolicy)))
  )

  it.effect("a signed rating link rates the case as its requester, until it expires", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* resolvedCase
      const caseId = (yield* stored(tn)).case.id
      const token = yield* SatisfactionToken.make(secret, {
        caseId,
        requesterId: buyer.id,
        expiresAt: hk("2025-06-12T00:00")
      })
      // forged: another secret, or a changed payload
      const forged = yield* SatisfactionToken.make(Redacted.make("another-secret-of-at-least-32-characters!"), {
        caseId,
        requesterId: buyer.id,
        expiresAt: hk("2025-06-12T00:00")
      })
      const wrong = yield* failure(desk.rateSatisfactionWithToken(forged, { rating: 4 }))
      assert.strictEqual(wrong._tag === "SatisfactionTokenInvalid" && wrong.reason, "signature")
      const [prefix, , signature] = token.split(".")
      const swapped = `${prefix}.${Buffer.from(JSON.stringify({ c: "case-x", r: buyer.id, e: 9e12 })).toString("base64url")}.${signature}`
      assert.strictEqual(
        (yield* failure(desk.rateSatisfactionWithToken(swapped, { rating: 4 })))._tag,
        "SatisfactionTokenInvalid"
      )
      assert.strictEqual(
        (yield* failure(desk.rateSatisfactionWithToken("nonsense", { rating: 4 })))._tag,
        "SatisfactionTokenInvalid"
      )
      yield* setNow("2025-06-12T00:01")
      const expired = yield* failure(desk.rateSatisfactionWithToken(token, { rating: 4 }))
      assert.strictEqual(expired._tag === "SatisfactionTokenInvalid" && expired.reason, "expired")
      yield* setNow("2025-06-11T23:00")
      const rated = yield* desk.rateSatisfactionWithToken(token, { rating: 4 })
      assert.deepStrictEqual(rated, { trackingNumber: tn, rating: 4, ratedAt: hk("2025-06-11T23:00") })
      const again = yield* failure(desk.rateSatisfactionWithToken(token, { rating: 5 }))
      assert.strictEqual(again._tag, "SatisfactionAlreadyRated")
      const rating = (yield* stored(tn)).events.find((e) => e.type === "satisfactionRated")
      assert.deepStrictEqual(rating?.actor, { role: "requester", id: buyer.id })
      // once the requester's data is erased, a link mailed before adds nothing to the case
      const other = yield* resolvedCase
      const link = yield* SatisfactionToken.make(secret, {
        caseId: (yield* stored(other)).case.id,
        requesterId: buyer.id,
        expiresAt: hk("2025-06-30T00:00")
      })
      yield* setNow("2025-06-11T23:30")
      yield* desk.eraseRequester(administrator, buyer.id)
      const afterErasure = yield* failure(desk.rateSatisfactionWithToken(link, { rating: 1, comment: "Ada here" }))
      assert.strictEqual(afterErasure._tag, "SatisfactionTokenInvalid")
    }).pipe(Effect.provide(deskWith()))
  )

  it.effect("a desk without a secret takes no rating links", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* resolvedCase
      const token = yield* SatisfactionToken.make(secret, {
        caseId: (yield* stored(tn)).case.id,
        requesterId: buyer.id,
        expiresAt: 9e12
      })
      assert.strictEqual(
        (yield* failure(desk.rateSatisfactionWithToken(token, { rating: 4 })))._tag,
        "SatisfactionTokenInvalid"
      )
    }).pipe(Effect.provide(SupportDesk.layerMemory(policy, { randomness: Randomness.layerSeeded(3) })))
  )
})

const RATE_PAGE = "https://desk.example/rate"
const deskWithLinks = (p: SupportPolicy.SupportPolicy = policy) =>
  SupportDesk.layerMemory(p, {
    randomness: Randomness.layerSeeded(5),
    satisfactionSecret: secret,
    satisfactionLinkUrl: RATE_PAGE,
    orders
  })

/** The rating link in a message's body (the line that starts with the rating page's address), if any. */
const linkIn = (body: string): string | undefined => body.split("\n").find((line) => line.startsWith(RATE_PAGE))
const tokenOf = (link: string | undefined): string => (link ?? "").slice(RATE_PAGE.length + 1)

describe("the rating link of the answer (clause 7.4)", () => {
  it.effect("the resolution tells its requester how to rate, with a link that opens and rates the case", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* resolvedCase
      const caseId = (yield* stored(tn)).case.id
      const resolved = (yield* messages(caseId)).filter((m) => m.kind === "resolved")
      assert.strictEqual(resolved.length, 1)
      const [mail] = resolved
      const link = linkIn(mail.body)
      assert.isDefined(link)
      assert.match(mail.body, /How satisfied are you with how we handled your request\? Rate it from 1 to 5 until /)
      // the window's end: 7 business days from Monday 11:00, Wednesday 18 June 11:00
      assert.deepStrictEqual(mail.data?.params.rating, { url: link, until: hk("2025-06-18T11:00"), min: 1, max: 5 })
      const claims = yield* SatisfactionToken.verify(secret, tokenOf(link), hk("2025-06-09T11:00"))
      assert.deepStrictEqual(claims, { caseId, requesterId: buyer.id, expiresAt: hk("2025-06-18T11:00") })

      const form = yield* desk.satisfactionWithToken(tokenOf(link))
      assert.deepStrictEqual(
        [form.trackingNumber, form.satisfaction?.openUntil, form.satisfaction?.rating, form.asOf],
        [tn, hk("2025-06-18T11:00"), null, hk("2025-06-09T11:00")]
      )
      yield* desk.rateSatisfactionWithToken(tokenOf(link), { rating: 5, comment: "Quick." })
      const after = yield* desk.satisfactionWithToken(tokenOf(link))
      assert.deepStrictEqual(after.satisfaction?.rating, { rating: 5, comment: "Quick.", at: hk("2025-06-09T11:00") })
      assert.strictEqual(
        (yield* failure(desk.rateSatisfactionWithToken(tokenOf(link), { rating: 1 })))._tag,
        "SatisfactionAlreadyRated"
      )
      // reopened and answered again: rated once already, so no second link
      yield* desk.reopen(buyer, tn, { reason: "One more thing." })
      yield* desk.explain(agent, tn, { body: "Here is why." })
      const explained = (yield* messages(caseId)).filter((m) => m.kind === "explained")
      assert.strictEqual(explained.length, 1)
      assert.isUndefined(linkIn(explained[0].body))
      assert.isUndefined(explained[0].data?.params.rating)
    }).pipe(Effect.provide(deskWithLinks()))
  )

  it.effect("a mediation's outcome carries the link to the requester only, not to the other party", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      yield* setNow("2025-06-09T10:00")
      const { category: _category, ...asked } = request(buyer, { subject: "Lamps are 110 V" })
      const opened = yield* desk.openMediation({ ...asked, orderReference: "PO-1001", counterpartyId: supplier.id })
      const tn = opened.view.case.trackingNumber
      yield* desk.postStatement(supplier, tn, { body: "We shipped what was ordered." })
      yield* setNow("2025-06-10T10:00")
      yield* desk.recordMediationOutcome(agent, tn, { outcome: "settled", body: "Refund agreed." })
      const outcome = (yield* messages(opened.view.case.id)).filter((m) => m.subject.includes("Mediation outcome"))
      assert.deepStrictEqual(
        outcome.map((m) => [m.recipient.id, linkIn(m.body) !== undefined, m.data?.params.rating !== undefined]),
        [
          [buyer.id, true, true],
          [supplier.id, false, false]
        ]
      )
    }).pipe(Effect.provide(deskWithLinks()))
  )

  it.effect("a token given to another requester of the case is refused", () =>
    Effect.gen(function* () {
      const desk = yield* Desk
      const tn = yield* resolvedCase
      const token = yield* SatisfactionToken.make(secret, {
        caseId: (yield* stored(tn)).case.id,
        requesterId: "buyer-bob",
        expiresAt: hk("2025-06-18T11:00")
      })
      const read = yield* failure(desk.satisfactionWithToken(token))
      const rate = yield* failure(desk.rateSatisfactionWithToken(token, { rating: 2 }))
      for (const error of [read, rate]) {
        assert.strictEqual(error._tag === "SatisfactionTokenInvalid" && error.reason, "signature")
      }
      assert.isUndefined((yield* stored(tn)).events.find((e) => e.type === "satisfactionRated"))
    }).pipe(Effect.provide(deskWithLinks()))
  )

  it.effect("no link when the policy asks nothing, or the host gave no rating page", () =>
    Effect.gen(function* () {
      const tn = yield* resolvedCase
      const [mail] = (yield* messages((yield* stored(tn)).case.id)).filter((m) => m.kind === "resolved")
      assert.isUndefined(linkIn(mail.body))
      assert.notInclude(mail.body, "#v1.")
      assert.isUndefined(mail.data?.params.rating)
    }).pipe(
      Effect.provide(deskWithLinks((({ satisfaction: _s, ...rest }) => rest)(policy) as SupportPolicy.SupportPolicy))
    )
  )

  it.effect("no link from a desk without a rating page", () =>
    Effect.gen(function* () {
      const tn = yield* resolvedCase
      const [mail] = (yield* messages((yield* stored(tn)).case.id)).filter((m) => m.kind === "resolved")
      assert.notInclude(mail.body, "#v1.")
      assert.isUndefined(mail.data?.params.rating)
    }).pipe(Effect.provide(deskWith()))
  )
})

describe("SupportPolicy satisfaction section", () => {
  it("its scale and low rating are checked against each other, naming the field", () => {
    const json = JSON.parse(JSON.stringify(policy))
    json.satisfaction.scale = { min: 3, max: 3 }
    const bad = JSON.parse(JSON.stringify(policy))
    bad.satisfaction.lowRating.atMost = 5
    const results = [json, bad].map((doc) => Effect.runSync(Effect.flip(SupportPolicy.decode(doc))))
    assert.deepStrictEqual(
      results.map((e) => e.problems.map((p) => p.path)),
      [["satisfaction.scale.max"], ["satisfaction.lowRating.atMost"]]
    )
  })
})
