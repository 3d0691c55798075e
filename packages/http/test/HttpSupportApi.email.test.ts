/**
 * The email group through real HTTP: administrators list the notifications given up and retry one; staff read the
 * incoming mail, a case's mail, an original and the failing addresses; requesters get 403; unknown ids 404; retrying
 * a message that is not failed 409.
 */
import { Effect, Option } from "effect"
import { Mailbox, Outbox } from "@support-policy/core"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { expectJson, expectProblem, type Server, startServer, submit } from "./support/harness.ts"

let server: Server
beforeAll(async () => {
  server = await startServer({ now: "2025-06-09T10:00" })
})
afterAll(() => server.close())

/** The acknowledgment of a case, given up as a delivery adapter would after its attempts. */
const giveUpAcknowledgment = async (trackingNumber: string) => {
  const view = expectJson(await server.request("GET", `/v1/cases/${trackingNumber}`, { as: "agent" }), 200)
  return server.run(
    Effect.gen(function* () {
      const outbox = yield* Outbox.Outbox
      const [ack] = yield* outbox.listByCase(view.case.id)
      yield* outbox.claim({ limit: 1_000, now: Date.parse("2030-01-01"), leaseMillis: 1 })
      yield* outbox.markFailed(ack.message.id, { error: "550 5.1.1 no such user", retryAt: null })
      return { id: ack.message.id, caseId: view.case.id as string }
    })
  )
}

describe("GET /v1/outbox/failed and POST /v1/outbox/{messageId}/retry", () => {
  it("lists given-up notifications for administrators, and a retry makes one pending again", async () => {
    const trackingNumber = await submit(server, "buyer")
    const { id } = await giveUpAcknowledgment(trackingNumber)
    expectProblem(await server.request("GET", "/v1/outbox/failed", { as: "agent" }), 403, "RoleRequired")
    expectProblem(await server.request("GET", "/v1/outbox/failed", { as: "buyer" }), 403, "RoleRequired")
    expectProblem(await server.request("GET", "/v1/outbox/failed"), 401)
    const failed = expectJson(await server.request("GET", "/v1/outbox/failed", { as: "administrator" }), 200)
    const mine = failed.items.find((d: any) => d.message.id === id)
    assert.strictEqual(mine.status, "failed")
    assert.strictEqual(mine.lastError, "550 5.1.1 no such user")
    assert.strictEqual(mine.message.trackingNumber, trackingNumber)
    expectProblem(await server.request("GET", "/v1/outbox/failed?limit=0", { as: "administrator" }), 400)

    const retried = expectJson(await server.request("POST", `/v1/outbox/${id}/retry`, { as: "administrator" }), 200)
    assert.strictEqual(retried.status, "pending")
    assert.strictEqual(retried.attempts, 0)
    expectProblem(
      await server.request("POST", `/v1/outbox/${id}/retry`, { as: "administrator" }),
      409,
      "MessageNotFailed"
    )
    expectProblem(
      await server.request("POST", "/v1/outbox/nope/retry", { as: "administrator" }),
      404,
      "MessageNotFound"
    )
    expectProblem(await server.request("POST", `/v1/outbox/${id}/retry`, { as: "agent" }), 403)
    const after = expectJson(await server.request("GET", "/v1/outbox/failed", { as: "administrator" }), 200)
    assert.isUndefined(after.items.find((d: any) => d.message.id === id))
  })
})

describe("incoming mail and failing addresses", () => {
  it("shows staff the mail of a case with its original, and the addresses that bounced", async () => {
    const trackingNumber = await submit(server, "buyer")
    const view = expectJson(await server.request("GET", `/v1/cases/${trackingNumber}`, { as: "agent" }), 200)
    const original = new TextEncoder().encode("From: ada@example.com\r\nSubject: Hello\r\n\r\nHi, 你好\r\n")
    await server.run(
      Effect.gen(function* () {
        const mailbox = yield* Mailbox.Mailbox
        yield* mailbox.record(
          {
            id: "mail-1",
            messageId: "hello-1@example.com",
            receivedAt: Date.parse("2025-06-09T02:00:00Z"),
            from: "ada@example.com",
            to: ["support@desk.example"],
            subject: "Hello",
            size: original.byteLength,
            attachments: [],
            outcome: "replied",
            caseId: view.case.id,
            trackingNumber,
            detail: `added to ${trackingNumber}`
          },
          original
        )
        yield* mailbox.markFailing("gone@example.com", { at: Date.parse("2025-06-09T03:00:00Z"), reason: "5.1.1" })
      })
    )
    expectProblem(await server.request("GET", "/v1/mail", { as: "buyer" }), 403)
    const all = expectJson(await server.request("GET", "/v1/mail", { as: "agent" }), 200)
    assert.deepStrictEqual(
      all.items.map((m: any) => m.id),
      ["mail-1"]
    )
    const ofCase = expectJson(await server.request("GET", `/v1/cases/${trackingNumber}/mail`, { as: "agent" }), 200)
    assert.strictEqual(ofCase.items[0].outcome, "replied")
    expectProblem(await server.request("GET", "/v1/cases/GS-0000-00000/mail", { as: "agent" }), 404)
    const raw = expectJson(await server.request("GET", "/v1/mail/mail-1/original", { as: "agent" }), 200)
    assert.deepStrictEqual(new Uint8Array(Buffer.from(raw.originalBase64, "base64")), original)
    expectProblem(await server.request("GET", "/v1/mail/mail-2/original", { as: "agent" }), 404, "MailNotFound")
    expectProblem(await server.request("GET", "/v1/mail/mail-1/original", { as: "buyer" }), 403)

    const failing = expectJson(await server.request("GET", "/v1/mail/failing-addresses", { as: "agent" }), 200)
    assert.deepStrictEqual(
      failing.items.map((f: any) => [f.address, f.count]),
      [["gone@example.com", 1]]
    )
    expectProblem(await server.request("DELETE", "/v1/mail/failing-addresses/gone@example.com", { as: "agent" }), 403)
    const cleared = await server.request("DELETE", "/v1/mail/failing-addresses/gone@example.com", {
      as: "administrator"
    })
    assert.strictEqual(cleared.status, 204)
    expectProblem(
      await server.request("DELETE", "/v1/mail/failing-addresses/gone@example.com", { as: "administrator" }),
      404,
      "AddressNotFailing"
    )
    const gone = await server.run(Effect.flatMap(Effect.service(Mailbox.Mailbox), (m) => m.failing("gone@example.com")))
    assert.isTrue(Option.isNone(gone))
  })
})
