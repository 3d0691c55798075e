/**
 * The demo's email, as a requester lives it: a mail from ana@buyer.example to the inbound SMTP port opens a case; the
 * acknowledgment with its tracking number and reply-by time appears at `/demo/mail`, threaded and marked
 * `Auto-Submitted`; a reply to it with the acknowledgment quoted below lands in the same case without the quote; an
 * auto-reply changes nothing; an administrator's erasure of Ana takes her incoming mails with it. Delivery is the
 * worker's (`DemoMail.deliveryTask`): the demo runs a worker with delivery only (no alerts, no sweeps), and a demo
 * started without its worker takes mail in but sends none. Real SMTP both ways (nodemailer to smtp-server), the demo
 * on in-memory PGlite.
 */
import * as Nodemailer from "nodemailer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as DemoActors from "../src/DemoActors.ts"
import * as DemoServer from "../src/DemoServer.ts"

interface SinkMail {
  readonly envelope: { readonly to: ReadonlyArray<string> }
  readonly subject: string
  readonly messageId: string | null
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

describe("the demo's email", () => {
  let demo: DemoServer.Demo
  let client: Nodemailer.Transporter

  beforeAll(async () => {
    // the worker delivers the outbox; no SLA alerts or sweeps to write into the records this test reads
    demo = await DemoServer.start({
      port: 0,
      dataDir: "memory://",
      seed: false,
      worker: { alerts: false, closeIdle: false, retention: false },
      smtpInboundPort: 0
    })
    client = Nodemailer.createTransport({
      host: "127.0.0.1",
      port: demo.mail!.inboundPort!,
      secure: false,
      ignoreTLS: true
    })
  }, 120_000)

  afterAll(async () => {
    client?.close()
    await demo?.close()
  })

  const mails = async (): Promise<ReadonlyArray<SinkMail>> =>
    ((await (await fetch(`${demo.url}/demo/mail`)).json()) as { items: ReadonlyArray<SinkMail> }).items

  const waitForMail = async (predicate: (m: SinkMail) => boolean): Promise<SinkMail> => {
    const deadline = Date.now() + 20_000
    for (;;) {
      const found = (await mails()).find(predicate)
      if (found !== undefined) return found
      if (Date.now() > deadline) throw new Error("the mail did not arrive")
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  it("opens a case from Ana's mail, acknowledges it threaded, takes her reply without the quote, ignores an auto-reply", async () => {
    const identities = (await (await fetch(`${demo.url}/demo/identities`)).json()) as ReadonlyArray<{
      token: string
      email: string
    }>
    expect(identities.find((i) => i.token === "demo-buyer")?.email).toBe("ana@buyer.example")

    const sent = await client.sendMail({
      from: "Ana Silva <ana@buyer.example>",
      to: "support@desk.example",
      subject: "Where is my order?",
      text: "PO-1234 has not arrived."
    })
    expect(sent.response).toMatch(/^250 .*opened GS-/)
    const trackingNumber = /opened (GS-[0-9A-Z-]+)/.exec(sent.response ?? "")?.[1] ?? "none"

    const ack = await waitForMail((m) => m.subject.includes(trackingNumber))
    expect(ack.envelope.to).toEqual(["ana@buyer.example"])
    expect(ack.subject).toBe(`[${trackingNumber}] We have received your request: Where is my order?`)
    expect(ack.headers["Auto-Submitted"]).toBe("auto-replied")
    expect(ack.messageId).toMatch(/^<c\.[0-9a-f]+\.[A-Za-z0-9_-]+@desk\.example>$/)
    expect(ack.text).toContain(`Your tracking number is ${trackingNumber}`)
    expect(ack.text).toMatch(/We will reply within 2 business days, by .+ \(UTC\+08:00\)/)
    expect(ack.headers["Reply-To"]).toMatch(/^support\+[0-9a-f]+\.[0-9a-f]+@desk\.example$/)
    const items = await mails()
    expect(items[0].subject).toBe(ack.subject) // newest first

    const quoted = ack.text
      .trimEnd()
      .split("\n")
      .map((l) => `> ${l}`)
      .join("\n")
    const reply = await client.sendMail({
      from: "Ana Silva <ana@buyer.example>",
      to: ack.headers["Reply-To"],
      subject: `Re: ${ack.subject}`,
      inReplyTo: ack.messageId!,
      references: [ack.messageId!],
      text: `It arrived, thank you!\n\nOn Mon, 30 Nov 2026 at 09:00, Global Sources Support <support@desk.example> wrote:\n${quoted}\n`
    })
    expect(reply.response).toMatch(/added to/)
    const auto = await client.sendMail({
      from: "Ana Silva <ana@buyer.example>",
      to: "support@desk.example",
      subject: `Out of office: ${ack.subject}`,
      inReplyTo: ack.messageId!,
      headers: { "Auto-Submitted": "auto-replied" },
      text: "I am out of the office until Monday."
    })
    expect(auto.response).toMatch(/Auto-Submitted/)

    const found = await fetch(`${demo.url}/v1/cases/${trackingNumber}`, {
      headers: { authorization: "Bearer demo-buyer" }
    })
    const view = (await found.json()) as { events: ReadonlyArray<{ type: string; body?: string }> }
    // the requester's view of the record (the internal assignment is not shown to them)
    expect(view.events.map((e) => e.type)).toEqual(["submitted", "requesterResponded"])
    expect(view.events[1].body).toBe("It arrived, thank you!")

    const page = await (await fetch(`${demo.url}/mail`)).text()
    expect(page).toContain(`[${trackingNumber}] We have received your request`)
    expect(page).toContain("Auto-Submitted")
  }, 60_000)

  it("tells every agent of the directory of a case handed to them, at the directory's address", async () => {
    const agents = DemoActors.people.filter((p) => p.role === "agent")
    expect(agents.length).toBeGreaterThan(1)
    for (const person of agents) {
      const submitted = await fetch(`${demo.url}/v1/cases`, {
        method: "POST",
        headers: { authorization: "Bearer demo-buyer", "content-type": "application/json" },
        body: JSON.stringify({ category: "order-delivery", subject: `For ${person.name}`, description: "Please look." })
      })
      expect(submitted.status).toBe(201)
      const { trackingNumber } = (await submitted.json()) as { trackingNumber: string }
      const assigned = await fetch(`${demo.url}/v1/cases/${trackingNumber}/actions/assign`, {
        method: "POST",
        headers: { authorization: "Bearer demo-agent", "content-type": "application/json" },
        body: JSON.stringify({ to: { role: "agent", id: person.id } })
      })
      expect(assigned.status).toBe(200)
      const told = await waitForMail((m) => m.envelope.to.includes(person.email!) && m.subject.includes(trackingNumber))
      expect(told.subject).toContain(trackingNumber)
    }
  }, 60_000)

  it("erases Ana's incoming mails, originals and all, when an administrator erases her (clause 7.4)", async () => {
    const staff = { authorization: "Bearer demo-agent" }
    const sent = await client.sendMail({
      from: "Ana Silva <ana@buyer.example>",
      to: "support@desk.example",
      subject: "Please forget me",
      text: "My flat is above the harbour bakery."
    })
    expect(sent.response).toMatch(/^250 .*opened GS-/)
    type Listed = { items: ReadonlyArray<{ id: string; from: string }> }
    const listed = async (): Promise<Listed> =>
      (await (await fetch(`${demo.url}/v1/mail?limit=100`, { headers: staff })).json()) as Listed
    const hers = (await listed()).items.filter((m) => m.from === "ana@buyer.example")
    expect(hers.length).toBeGreaterThan(0)
    const original = await fetch(`${demo.url}/v1/mail/${hers[0].id}/original`, { headers: staff })
    expect(original.status).toBe(200)

    const erased = await fetch(`${demo.url}/v1/requesters/buyer-ana/erasure`, {
      method: "POST",
      headers: { authorization: "Bearer demo-admin" }
    })
    expect(erased.status).toBe(200)
    expect((await listed()).items.filter((m) => m.from === "ana@buyer.example")).toEqual([])
    expect((await fetch(`${demo.url}/v1/mail/${hers[0].id}/original`, { headers: staff })).status).toBe(404)
  }, 60_000)
})

describe("the demo without its worker", () => {
  let demo: DemoServer.Demo
  let client: Nodemailer.Transporter

  beforeAll(async () => {
    demo = await DemoServer.start({ port: 0, dataDir: "memory://", seed: false, worker: false, smtpInboundPort: 0 })
    client = Nodemailer.createTransport({
      host: "127.0.0.1",
      port: demo.mail!.inboundPort!,
      secure: false,
      ignoreTLS: true
    })
  }, 120_000)

  afterAll(async () => {
    client?.close()
    await demo?.close()
  })

  it("takes Ana's mail into a case but delivers nothing: delivery is the worker's", async () => {
    const sent = await client.sendMail({
      from: "Ana Silva <ana@buyer.example>",
      to: "support@desk.example",
      subject: "Where is my order?",
      text: "PO-1234 has not arrived."
    })
    const trackingNumber = /opened (GS-[0-9A-Z-]+)/.exec(sent.response ?? "")?.[1]
    expect(trackingNumber).toBeDefined()
    // the acknowledgment is in the outbox, written with the case; a worker would send it within a second or two
    await new Promise((r) => setTimeout(r, 4_000))
    const items = ((await (await fetch(`${demo.url}/demo/mail`)).json()) as { items: ReadonlyArray<unknown> }).items
    expect(items).toEqual([])
    const found = await fetch(`${demo.url}/v1/cases/${trackingNumber}`, {
      headers: { authorization: "Bearer demo-buyer" }
    })
    expect(found.status).toBe(200)
  }, 60_000)
})
