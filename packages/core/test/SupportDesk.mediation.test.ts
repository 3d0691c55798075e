import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Actor from "../src/Actor.ts"
import * as SupportDesk from "../src/SupportDesk.ts"
import {
  agent,
  buyer,
  clock,
  deskLayer,
  failure,
  HOUR,
  hk,
  messages,
  otherBuyer,
  policy,
  request,
  setNow,
  stored,
  submit,
  supplier,
  types
} from "./SupportDesk.helpers.ts"

const Desk = SupportDesk.SupportDesk
const strangerSupplier = Actor.requester({ id: "supplier-zed", audience: "supplier" })

/** A request for mediation: the category is left to the policy's mediation category. */
const dispute = (
  requester: Actor.Requester,
  fields: { readonly counterpartyId: string; readonly orderReference?: string },
  overrides: Partial<SupportDesk.SubmitInput> = {}
): SupportDesk.OpenMediationInput => {
  const { category: _category, orderReference: _order, ...rest } = request(requester, overrides)
  return { ...rest, orderReference: "PO-1001", ...fields }
}

const openDispute = Effect.gen(function* () {
  const desk = yield* Desk
  return yield* desk.openMediation(
    dispute(
      buyer,
      { counterpartyId: supplier.id },
      {
        subject: "Goods not as described",
        description: "The 500 lamps delivered are 110 V, the order said 230 V.",
        channel: "online-form"
      }
    )
  )
})

describe("SupportDesk mediation", () => {
  it.effect(
    "4.5 mediation: a buyer opens it on an order against a supplier, both post statements, each party's clock is tracked, the mediator records the outcome",
    () =>
      Effect.gen(function* () {
        const desk = yield* Desk
        yield* setNow("2025-06-09T10:00")
        const opened = yield* openDispute
        const c = opened.view.case
        const tn = c.trackingNumber
        assert.strictEqual(c.status, "inMediation")
        assert.strictEqual(c.category, "dispute-mediation")
        assert.strictEqual(c.orderReference, "PO-1001")
        assert.deepStrictEqual(c.parties, ["buyer-ada", "supplier-sun"])
        assert.deepStrictEqual((yield* stored(tn)).case.assignee, { role: "agent", queue: "mediation" })
        // the supplier is told, with the tracking number to answer under
        const toSupplier = (yield* messages(c.id)).filter((m) => m.recipient.id === "supplier-sun")
        assert.deepStrictEqual(
          toSupplier.map((m) => m.kind),
          ["mediationUpdate"]
        )
        assert.include(toSupplier[0].body, "PO-1001")
        assert.include(toSupplier[0].body, tn)

        // the supplier is a party: they see the case; another supplier does not
        const supplierView = yield* desk.getCase(supplier, tn)
        assert.strictEqual(supplierView.case.id, c.id)
        assert.strictEqual((yield* failure(desk.getCase(strangerSupplier, tn)))._tag, "CaseNotFound")
        assert.deepStrictEqual(
          (yield* desk.listCases(supplier)).map((x) => x.id),
          [c.id]
        )

        // a business day later the desk has waited 9 business hours for the supplier
        yield* setNow("2025-06-10T10:00")
        const waiting = (yield* desk.getCase(agent, tn)).mediation!
        assert.deepStrictEqual(waiting.parties[1], {
          partyId: "supplier-sun",
          side: "counterparty",
          statements: 0,
          lastStatementAt: null,
          awaitingSince: hk("2025-06-09T10:00"),
          waitedBusinessMs: 9 * HOUR
        })

        const afterSupplier = yield* desk.postStatement(supplier, tn, { body: "The buyer approved the 110 V sample." })
        assert.deepStrictEqual(afterSupplier.mediation!.parties[1], {
          partyId: "supplier-sun",
          side: "counterparty",
          statements: 1,
          lastStatementAt: hk("2025-06-10T10:00"),
          awaitingSince: null,
          waitedBusinessMs: 0
        })
        yield* setNow("2025-06-10T11:00")
        const afterBuyer = yield* desk.postStatement(buyer, tn, { body: "The sample was 230 V; photos attached." })
        assert.deepStrictEqual(afterBuyer.mediation!.parties[0], {
          partyId: "buyer-ada",
          side: "requester",
          statements: 2,
          lastStatementAt: hk("2025-06-10T11:00"),
          awaitingSince: null,
          waitedBusinessMs: 0
        })

        // each party reads the other's statement, and is notified of it
        assert.includeMembers(types((yield* desk.getCase(buyer, tn)).events), ["counterpartyResponded"])
        assert.includeMembers(types((yield* desk.getCase(supplier, tn)).events), ["requesterResponded"])
        const updates = (yield* messages(c.id)).filter((m) => m.kind === "mediationUpdate").map((m) => m.recipient.id)
        assert.deepStrictEqual(updates, ["supplier-sun", "buyer-ada", "supplier-sun"])

        // only the parties post statements; only the desk records the outcome
        assert.strictEqual((yield* failure(desk.postStatement(agent, tn, { body: "x" })))._tag, "ActionForbidden")
        assert.strictEqual(
          (yield* failure(desk.recordMediationOutcome(supplier, tn, { outcome: "settled", body: "x" })))._tag,
          "ActionForbidden"
        )
        // while in mediation, a plain resolution is not the way out
        assert.strictEqual((yield* failure(desk.resolve(agent, tn, { body: "x" })))._tag, "TransitionNotAllowed")

        yield* setNow("2025-06-11T15:00")
        const settled = yield* desk.recordMediationOutcome(agent, tn, {
          outcome: "settled",
          body: "The supplier refunds 40% and the buyer keeps the goods."
        })
        assert.strictEqual(settled.case.status, "resolved")
        assert.isFalse(settled.mediation!.active)
        assert.strictEqual(settled.mediation!.outcome, "settled")
        assert.strictEqual(clock(settled.sla, "resolution").state, "met")
        const last = (yield* messages(c.id)).slice(-2)
        assert.deepStrictEqual(
          last.map((m) => [m.kind, m.recipient.id]),
          [
            ["resolved", "buyer-ada"],
            ["mediationUpdate", "supplier-sun"]
          ]
        )
        // a statement after the outcome is refused by the state machine
        assert.strictEqual(
          (yield* failure(desk.postStatement(supplier, tn, { body: "x" })))._tag,
          "TransitionNotAllowed"
        )
      }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("4.5 mediation is for buyers; a supplier's request is refused", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* Desk
      const error = yield* failure(desk.openMediation(dispute(supplier, { counterpartyId: buyer.id })))
      assert.strictEqual(error._tag, "MediationNotAvailable")
      assert.strictEqual((error as SupportDesk.MediationNotAvailable).reason, "audience")
      const self = yield* failure(desk.openMediation(dispute(buyer, { counterpartyId: buyer.id })))
      assert.deepStrictEqual(
        (self as SupportDesk.InputInvalid).problems.map((p) => p.path),
        ["counterpartyId"]
      )
      const { orderReference: _order, ...withoutOrder } = dispute(buyer, { counterpartyId: supplier.id })
      const noOrder = yield* failure(desk.openMediation(withoutOrder as SupportDesk.OpenMediationInput))
      assert.deepStrictEqual(
        (noOrder as SupportDesk.InputInvalid).problems.map((p) => p.path),
        ["orderReference"]
      )
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("4.5 a buyer asks for mediation on an existing order case, which becomes a dispute", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* Desk
      const tn = yield* submit(buyer, { category: "order-delivery", orderReference: "PO-77" })
      yield* setNow("2025-06-09T12:00")
      const view = yield* desk.requestMediation(buyer, tn, {
        counterpartyId: supplier.id,
        statement: "Three weeks late and no answer from the supplier."
      })
      assert.strictEqual(view.case.status, "inMediation")
      assert.strictEqual(view.case.category, "dispute-mediation")
      assert.deepStrictEqual(types((yield* desk.getCase(agent, tn)).events).slice(2), [
        "categoryChanged",
        "mediationRequested",
        "counterpartyContacted"
      ])
      const notSettled = yield* desk.recordMediationOutcome(agent, tn, {
        outcome: "notSettled",
        body: "No agreement; the buyer may pursue the payment provider's dispute process."
      })
      assert.strictEqual(notSettled.case.status, "explained")
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect(
    "4.5 the counterparty is the host's: staff, the requester, another buyer or a stranger are refused, naming the field",
    () =>
      Effect.gen(function* () {
        yield* setNow("2025-06-09T10:00")
        const desk = yield* Desk
        const tn = yield* submit(buyer, { category: "order-delivery", orderReference: "PO-77" })
        const named = (counterpartyId: string, orderReference?: string) =>
          Effect.map(
            failure(
              desk.requestMediation(buyer, tn, {
                counterpartyId,
                statement: "x",
                ...(orderReference === undefined ? {} : { orderReference })
              })
            ),
            (e) => [e._tag, (e as SupportDesk.InputInvalid).problems?.map((p) => p.path)]
          )
        for (const counterpartyId of [otherBuyer.id, agent.id, buyer.id, "supplier-zed"]) {
          assert.deepStrictEqual(yield* named(counterpartyId), ["InputInvalid", ["counterpartyId"]], counterpartyId)
        }
        // another order than the case's
        assert.deepStrictEqual(yield* named(supplier.id, "PO-1001"), ["InputInvalid", ["orderReference"]])
        // nothing was written, nobody was told
        assert.deepStrictEqual(types((yield* stored(tn)).events), ["submitted", "assigned"])
        assert.deepStrictEqual(
          (yield* messages((yield* stored(tn)).case.id)).map((m) => m.recipient.id),
          [buyer.id]
        )
        // a case without an order names one, which must be the requester's
        const plain = yield* submit(buyer, { category: "order-delivery" })
        const noOrder = yield* failure(
          desk.requestMediation(buyer, plain, { counterpartyId: supplier.id, statement: "x" })
        )
        assert.deepStrictEqual(
          (noOrder as SupportDesk.InputInvalid).problems.map((p) => p.path),
          ["orderReference"]
        )
        const notTheirs = yield* failure(
          desk.requestMediation(buyer, plain, {
            counterpartyId: "supplier-lee",
            statement: "x",
            orderReference: "PO-2002"
          })
        )
        assert.deepStrictEqual(
          (notTheirs as SupportDesk.InputInvalid).problems.map((p) => p.path),
          ["orderReference"]
        )
        const ok = yield* desk.requestMediation(buyer, plain, {
          counterpartyId: supplier.id,
          statement: "Late.",
          orderReference: "PO-1001"
        })
        assert.strictEqual(ok.case.status, "inMediation")
      }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("4.5 the counterparty reads what is addressed to both parties, never the requester's earlier thread", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* Desk
      const tn = yield* submit(buyer, {
        category: "order-delivery",
        orderReference: "PO-77",
        subject: "Private: my bank details",
        description: "PRIVATE description: IBAN DE00 1234"
      })
      yield* desk.reply(agent, tn, { body: "PRIVATE reply of the desk" })
      yield* desk.addNote(agent, tn, { body: "internal note" })
      yield* desk.respond(buyer, tn, { body: "PRIVATE follow-up" })
      yield* setNow("2025-06-09T12:00")
      yield* desk.requestMediation(buyer, tn, { counterpartyId: supplier.id, statement: "Mediation statement" })
      yield* desk.postStatement(supplier, tn, { body: "Supplier statement" })
      yield* desk.postStatement(buyer, tn, { body: "Buyer statement" })
      yield* desk.progressUpdate(agent, tn, { body: "Update to both" })
      const seen = yield* desk.getCase(supplier, tn)
      assert.deepStrictEqual(types(seen.events), [
        "mediationRequested",
        "counterpartyResponded",
        "requesterResponded",
        "progressUpdated"
      ])
      const text = JSON.stringify(seen)
      for (const secret of ["PRIVATE", "IBAN", "bank details", "internal note", "ada@example.com"]) {
        assert.notInclude(text, secret, secret)
      }
      assert.isFalse("assignee" in seen.case)
      // the requester reads the whole public thread, including the supplier's statement
      const own = yield* desk.getCase(buyer, tn)
      assert.includeMembers(types(own.events), ["submitted", "replied", "requesterResponded", "counterpartyResponded"])
      assert.notInclude(types(own.events), "noteAdded")
      // the outcome reaches both
      const outcome = yield* desk.recordMediationOutcome(agent, tn, { outcome: "notSettled", body: "No agreement." })
      assert.strictEqual(outcome.case.status, "explained")
      assert.deepStrictEqual(types((yield* desk.getCase(supplier, tn)).events).slice(-2), [
        "mediationConcluded",
        "explained"
      ])
    }).pipe(Effect.provide(deskLayer()))
  )

  it.effect("4.5 a desk without the host's Parties refuses every mediation with a counterparty", () =>
    Effect.gen(function* () {
      yield* setNow("2025-06-09T10:00")
      const desk = yield* Desk
      const error = yield* failure(desk.openMediation(dispute(buyer, { counterpartyId: supplier.id })))
      assert.deepStrictEqual(
        (error as SupportDesk.InputInvalid).problems.map((p) => p.path),
        ["orderReference"]
      )
    }).pipe(Effect.provide(SupportDesk.layerMemory(policy)))
  )
})
