/**
 * The rest of the API through real HTTP: the agents' queue and its filters, who-am-I, the policy, reply-by plans,
 * channel hours, announcements, incidents and mediation.
 */
import { Presets, SupportPolicy } from "@support-policy/core"
import { Schema } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { act, expectJson, expectProblem, hk, type Server, startServer, submit } from "./support/harness.ts"

let server: Server
beforeAll(async () => {
  server = await startServer({ now: "2025-06-09T10:00" })
})
afterAll(() => server.close())

const trackingNumbers = (queue: any): Array<string> => queue.items.map((i: any) => i.case.trackingNumber)

describe("GET /v1/desk/queue", () => {
  it("orders by earliest due clock, badges breached and due-soon cases, and filters", async () => {
    // opened Monday 10:00, 14:00 and Tuesday 10:00: first responses due Wed 10:00, Wed 14:00, Thu 10:00
    server.setNow("2025-06-09T10:00")
    const early = await submit(server, "buyer:q1", { category: "consultation" })
    server.setNow("2025-06-09T14:00")
    const later = await submit(server, "buyer:q2", { category: "order-delivery" })
    server.setNow("2025-06-10T10:00")
    const latest = await submit(server, "supplier", { category: "listing-optimisation" })

    // Wednesday 11:00: the first is breached, the second due within 240 business minutes, the third on track
    server.setNow("2025-06-11T11:00")
    const queue = expectJson(await server.request("GET", "/v1/desk/queue", { as: "agent" }), 200)
    const ours = queue.items.filter((i: any) => [early, later, latest].includes(i.case.trackingNumber))
    assert.deepStrictEqual(
      ours.map((i: any) => [i.case.trackingNumber, i.badge]),
      [
        [early, "breached"],
        [later, "dueSoon"],
        [latest, "onTrack"]
      ]
    )
    assert.strictEqual(ours[0].dueAt, hk("2025-06-11T10:00"))
    assert.strictEqual(ours[0].businessMsLeft, -3_600_000)
    assert.strictEqual(ours[1].businessMsLeft, 3 * 3_600_000)
    const dueAts = queue.items.map((i: any) => i.dueAt)
    assert.deepStrictEqual(
      dueAts,
      [...dueAts].sort((a: number, b: number) => a - b)
    )

    const breached = expectJson(await server.request("GET", "/v1/desk/queue?breached=true", { as: "agent" }), 200)
    assert.include(trackingNumbers(breached), early)
    assert.isTrue(breached.items.every((i: any) => i.badge === "breached"))
    const dueSoon = expectJson(await server.request("GET", "/v1/desk/queue?dueSoon=true", { as: "agent" }), 200)
    assert.deepStrictEqual(trackingNumbers(dueSoon), [later])
    const narrow = expectJson(
      await server.request("GET", "/v1/desk/queue?dueSoon=true&dueSoonMinutes=60", { as: "agent" }),
      200
    )
    assert.deepStrictEqual(trackingNumbers(narrow), [])
    const both = expectJson(
      await server.request("GET", "/v1/desk/queue?breached=true&dueSoon=true", { as: "agent" }),
      200
    )
    assert.includeMembers(trackingNumbers(both), [early, later])
    assert.notInclude(trackingNumbers(both), latest)
    const byCategory = expectJson(
      await server.request("GET", "/v1/desk/queue?category=order-delivery&category=listing-optimisation", {
        as: "agent"
      }),
      200
    )
    assert.deepStrictEqual(trackingNumbers(byCategory), [later, latest])

    await act(server, "agent", latest, "assign", { to: { role: "agent", id: "agent-zed" } })
    const byAssignee = expectJson(
      await server.request("GET", "/v1/desk/queue?assignee=agent-zed", { as: "agent" }),
      200
    )
    assert.deepStrictEqual(trackingNumbers(byAssignee), [latest])
    const limited = expectJson(await server.request("GET", "/v1/desk/queue?limit=1", { as: "agent" }), 200)
    assert.lengthOf(limited.items, 1)
  })

  it("filters by priority", async () => {
    server.setNow("2025-06-09T10:00")
    const high = await submit(server, "buyer:p1", { category: "misconduct-fraud-report" })
    const queue = expectJson(await server.request("GET", "/v1/desk/queue?priority=high", { as: "agent" }), 200)
    assert.include(trackingNumbers(queue), high)
    assert.isTrue(queue.items.every((i: any) => i.case.priority === "high"))
  })

  it("shows an account manager their own cases only, and no queue to requesters", async () => {
    server.setNow("2025-06-09T10:00")
    const mine = await submit(server, "supplier", { category: "listing-optimisation" })
    await act(server, "agent", mine, "escalate", {})
    const other = await submit(server, "buyer:p2")
    const queue = expectJson(await server.request("GET", "/v1/desk/queue", { as: "accountManager" }), 200)
    assert.include(trackingNumbers(queue), mine)
    assert.notInclude(trackingNumbers(queue), other)
    assert.isTrue(queue.items.every((i: any) => i.case.assignee?.id === "am-kim"))
    expectProblem(await server.request("GET", "/v1/desk/queue", { as: "buyer" }), 403, "ActionForbidden")
  })
})

describe("GET /v1/me", () => {
  it("says who the caller is", async () => {
    const me = expectJson(await server.request("GET", "/v1/me", { as: "supplier" }), 200)
    assert.deepStrictEqual(me.actor, {
      role: "requester",
      id: "supplier-sun",
      audience: "supplier",
      accountManagerId: "am-kim",
      flags: ["dedicatedAccountManager"],
      email: "sun@example.com"
    })
  })
})

describe("the policy", () => {
  it("GET /v1/policy serves the policy in force, which decodes back to it", async () => {
    const body = expectJson(await server.request("GET", "/v1/policy"), 200)
    assert.strictEqual(body.id, "global-sources")
    assert.strictEqual(body.version, "1.8")
    const decoded = SupportPolicy.makeUnsafe(body)
    assert.deepStrictEqual(decoded, Presets.globalSources)
    assert.deepStrictEqual(body, Schema.encodeSync(SupportPolicy.SupportPolicy)(Presets.globalSources))
  })

  it("GET /v1/policy/reply-by plans a hypothetical request", async () => {
    const friday = encodeURIComponent("2025-06-13T17:00:00+08:00")
    const body = expectJson(
      await server.request("GET", `/v1/policy/reply-by?category=consultation&receivedAt=${friday}`),
      200
    )
    assert.strictEqual(body.receivedAt, hk("2025-06-13T17:00"))
    assert.strictEqual(body.priority, "normal")
    assert.strictEqual(body.audience, "buyer")
    assert.deepStrictEqual(body.channel, { requested: "online-form", taken: "online-form", nextOpening: null })
    // Friday 17:00 + 18 business hours: 1 h on Friday, 9 h on Monday, 8 h on Tuesday
    assert.strictEqual(body.replyBy.dueAt, hk("2025-06-17T17:00"))
    assert.include(body.replyBy.text, "Tue 17 Jun 2025, 17:00")
  })

  it("GET /v1/policy/reply-by takes the priority triage would give, epoch milliseconds, and another zone", async () => {
    const at = hk("2025-06-09T10:00")
    const body = expectJson(
      await server.request(
        "GET",
        `/v1/policy/reply-by?category=misconduct-fraud-report&receivedAt=${at}&timeZone=UTC&channel=email`
      ),
      200
    )
    assert.strictEqual(body.priority, "high")
    assert.deepStrictEqual(
      body.plan.map((t: any) => t.metric),
      ["firstResponse", "progressUpdate", "resolution"]
    )
    assert.strictEqual(body.replyBy.timeZone, "UTC")
    assert.include(body.replyBy.text, "Wed 11 Jun 2025, 02:00 (UTC+00:00)")
    const asked = expectJson(
      await server.request(
        "GET",
        `/v1/policy/reply-by?category=misconduct-fraud-report&priority=normal&receivedAt=${at}`
      ),
      200
    )
    assert.strictEqual(asked.priority, "normal")
  })

  it("GET /v1/policy/reply-by plans live chat outside hours through the channel that takes it", async () => {
    const saturday = hk("2025-06-14T11:00")
    const body = expectJson(
      await server.request("GET", `/v1/policy/reply-by?category=consultation&channel=live-chat&receivedAt=${saturday}`),
      200
    )
    assert.deepStrictEqual(body.channel, {
      requested: "live-chat",
      taken: "online-form",
      nextOpening: hk("2025-06-16T09:00")
    })
  })

  it("GET /v1/channels says which channels are open now and when the others open", async () => {
    server.setNow("2025-06-09T10:00") // Monday in hours
    const open = expectJson(await server.request("GET", "/v1/channels"), 200)
    const chat = (body: any) => body.channels.find((c: any) => c.id === "live-chat")
    assert.strictEqual(open.businessHoursOpenNow, true)
    assert.include(chat(open), { openNow: true, nextOpening: null, nextClosing: hk("2025-06-09T18:00") })
    assert.deepStrictEqual(
      open.channels.map((c: any) => c.id),
      Presets.globalSources.channels.map((c) => c.id)
    )

    server.setNow("2025-06-14T11:00") // Saturday
    const closed = expectJson(await server.request("GET", "/v1/channels"), 200)
    assert.strictEqual(closed.businessHoursOpenNow, false)
    assert.include(chat(closed), { openNow: false, nextOpening: hk("2025-06-16T09:00"), nextClosing: null })
    assert.strictEqual(chat(closed).text, "Closed now; opens Mon 16 Jun 2025, 09:00 (UTC+08:00)")
    const email = closed.channels.find((c: any) => c.id === "email")
    assert.include(email, { openNow: true, text: "Open 24/7" })

    server.setNow("2025-07-01T10:00") // a Tuesday, HKSAR Establishment Day: a holiday
    const holiday = expectJson(await server.request("GET", "/v1/channels"), 200)
    assert.include(chat(holiday), { openNow: false, nextOpening: hk("2025-07-02T09:00") })
    server.setNow("2025-06-09T10:00")
  })
})

describe("announcements", () => {
  it("are public to read, posted and changed by staff", async () => {
    server.setNow("2025-06-09T10:00")
    const posted = expectJson(
      await server.request("POST", "/v1/announcements", {
        as: "administrator",
        body: { title: "Maintenance", body: "Saturday 02:00–04:00" }
      }),
      201
    )
    assert.strictEqual(posted.title, "Maintenance")
    const list = expectJson(await server.request("GET", "/v1/announcements"), 200)
    assert.include(
      list.items.map((a: any) => a.id),
      posted.id
    )
    const changed = expectJson(
      await server.request("PATCH", `/v1/announcements/${posted.id}`, {
        as: "agent",
        body: { body: "Saturday 02:00–05:00" }
      }),
      200
    )
    assert.strictEqual(changed.body, "Saturday 02:00–05:00")
    assert.strictEqual(changed.title, "Maintenance")
    expectProblem(
      await server.request("POST", "/v1/announcements", { as: "buyer", body: { title: "x", body: "y" } }),
      403,
      "ActionForbidden"
    )
    expectProblem(
      await server.request("PATCH", "/v1/announcements/nope", { as: "agent", body: { body: "y" } }),
      404,
      "AnnouncementNotFound"
    )
  })
})

describe("incidents", () => {
  it("are declared, listed, read, updated, linked to cases and resolved (clause 6.5)", async () => {
    server.setNow("2025-06-09T10:00")
    const incident = expectJson(
      await server.request("POST", "/v1/incidents", {
        as: "agent",
        body: { title: "Login outage", description: "Users cannot sign in" }
      }),
      201
    )
    assert.strictEqual(incident.status, "investigating")
    const announced = expectJson(await server.request("GET", "/v1/announcements"), 200)
    assert.isTrue(announced.items.some((a: any) => a.incidentId === incident.id))

    const list = expectJson(await server.request("GET", "/v1/incidents?active=true", { as: "agent" }), 200)
    assert.include(
      list.items.map((i: any) => i.id),
      incident.id
    )
    const read = expectJson(await server.request("GET", `/v1/incidents/${incident.id}`, { as: "administrator" }), 200)
    assert.strictEqual(read.title, "Login outage")
    const updated = expectJson(
      await server.request("PATCH", `/v1/incidents/${incident.id}`, {
        as: "agent",
        body: { status: "identified", announcement: { body: "We found the cause" } }
      }),
      200
    )
    assert.strictEqual(updated.status, "identified")

    const tn = await submit(server, "buyer:inc", { category: "account-access" })
    const linked = expectJson(
      await server.request("POST", `/v1/incidents/${incident.id}/cases`, { as: "agent", body: { trackingNumber: tn } }),
      200
    )
    assert.strictEqual(linked.events.at(-1).type, "incidentLinked")
    assert.include(linked.sla.holds, "incidentLinked")

    const resolution = expectJson(
      await server.request("POST", `/v1/incidents/${incident.id}/resolve`, { as: "agent", body: { note: "Fixed" } }),
      200
    )
    assert.strictEqual(resolution.incident.status, "resolved")
    assert.deepStrictEqual(resolution.notifiedCaseIds, [linked.case.id])
    const after = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "buyer:inc" }), 200)
    assert.strictEqual(after.events.at(-1).type, "incidentUnlinked")

    expectProblem(await server.request("GET", "/v1/incidents", { as: "buyer" }), 403, "StaffOnly")
    expectProblem(await server.request("GET", `/v1/incidents/${incident.id}`, { as: "buyer" }), 403, "StaffOnly")
    expectProblem(
      await server.request("POST", "/v1/incidents", { as: "accountManager", body: { title: "x", description: "y" } }),
      403,
      "ActionForbidden"
    )
    expectProblem(await server.request("GET", "/v1/incidents/nope", { as: "agent" }), 404, "IncidentNotFound")
    expectProblem(
      await server.request("PATCH", `/v1/incidents/${incident.id}`, { as: "agent", body: { status: "monitoring" } }),
      422,
      "IncidentAlreadyResolved"
    )
  })
})

describe("mediation (clause 4.5)", () => {
  it("is opened by a buyer, heard from both parties and concluded by the mediator", async () => {
    server.setNow("2025-06-09T10:00")
    const opened = expectJson(
      await server.request("POST", "/v1/mediations", {
        as: "buyer:med",
        body: {
          subject: "Goods not as described",
          description: "The order arrived damaged",
          orderReference: "PO-1",
          counterpartyId: "supplier-sun"
        }
      }),
      201
    )
    const tn = opened.trackingNumber
    assert.strictEqual(opened.status, "inMediation")
    assert.strictEqual(opened.view.case.category, "dispute-mediation")

    // the supplier is a party: they see the case, but not the buyer's contact details
    const seen = expectJson(await server.request("GET", `/v1/cases/${tn}`, { as: "supplier" }), 200)
    assert.deepStrictEqual(seen.case.requester, { id: "buyer-med", audience: "buyer", flags: [] })
    const listed = expectJson(await server.request("GET", "/v1/cases", { as: "supplier" }), 200)
    const inList = listed.items.find((c: any) => c.trackingNumber === tn)
    assert.deepStrictEqual(inList.requester, { id: "buyer-med", audience: "buyer", flags: [] })

    const stated = expectJson(
      await server.request("POST", `/v1/cases/${tn}/mediation/statements`, {
        as: "supplier",
        body: { body: "It left our warehouse intact" }
      }),
      200
    )
    assert.strictEqual(stated.mediation.parties.find((p: any) => p.side === "counterparty").statements, 1)
    // the buyer's message while in mediation is a statement
    const answered = expectJson(
      await server.request("POST", `/v1/cases/${tn}/messages`, { as: "buyer:med", body: { body: "Photos attached" } }),
      200
    )
    assert.strictEqual(answered.mediation.parties.find((p: any) => p.side === "requester").statements, 2)

    const concluded = expectJson(
      await server.request("POST", `/v1/cases/${tn}/mediation/outcome`, {
        as: "agent",
        body: { outcome: "settled", body: "Partial refund agreed" }
      }),
      200
    )
    assert.strictEqual(concluded.case.status, "resolved")
    assert.strictEqual(concluded.mediation.outcome, "settled")
  })

  it("is requested on an existing case", async () => {
    server.setNow("2025-06-09T10:00")
    const tn = await submit(server, "buyer:med2", { category: "order-delivery", orderReference: "PO-2" })
    const view = expectJson(
      await server.request("POST", `/v1/cases/${tn}/mediation`, {
        as: "buyer:med2",
        body: { counterpartyId: "supplier-lee", statement: "They will not answer" }
      }),
      200
    )
    assert.strictEqual(view.case.status, "inMediation")
    assert.strictEqual(view.mediation.counterpartyId, "supplier-lee")
    expectProblem(
      await server.request("POST", "/v1/mediations", {
        as: "supplier",
        body: { subject: "x", description: "y", orderReference: "PO-3", counterpartyId: "buyer-ada" }
      }),
      422,
      "MediationNotAvailable"
    )
  })
})
