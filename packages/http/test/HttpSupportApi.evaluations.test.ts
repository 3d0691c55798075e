/**
 * One decision per request: the HTTP path evaluates a case's SLA clocks once per request (a submission, a read, an
 * action), counted on the engine itself.
 */
import { assert } from "@effect/vitest"
import { afterAll, beforeAll, describe, it, vi } from "vitest"
import * as engine from "../../core/src/internal/slaEngine.ts"
import { act, expectJson, type Server, startServer, submission } from "./support/harness.ts"

vi.mock("../../core/src/internal/slaEngine.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../core/src/internal/slaEngine.ts")>()
  return { ...original, evaluate: vi.fn(original.evaluate) }
})

const evaluations = vi.mocked(engine.evaluate)

describe("SLA evaluations per HTTP request", () => {
  let server: Server
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())

  it("POST /v1/cases evaluates the new case once", async () => {
    evaluations.mockClear()
    const body = expectJson(await server.request("POST", "/v1/cases", { as: "buyer", body: submission() }), 201)
    assert.strictEqual(evaluations.mock.calls.length, 1)
    // the promises, the case's next due instant and its clocks come from that one evaluation
    assert.strictEqual(body.view.case.nextDueAt, body.replyBy.dueAt)
    assert.strictEqual(body.view.sla.clocks.find((c: any) => c.metric === "firstResponse").dueAt, body.replyBy.dueAt)
  })

  it("GET /v1/cases/{trackingNumber} and an action evaluate the case once each", async () => {
    const tn = expectJson(
      await server.request("POST", "/v1/cases", { as: "buyer:eval", body: submission() }),
      201
    ).trackingNumber
    evaluations.mockClear()
    expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "agent" }), 200)
    assert.strictEqual(evaluations.mock.calls.length, 1)
    evaluations.mockClear()
    await act(server, "agent", tn, "reply", { body: "Here is how." })
    assert.strictEqual(evaluations.mock.calls.length, 1)
  })
})
