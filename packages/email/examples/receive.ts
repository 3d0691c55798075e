import { Actor, Mailbox, Presets, Randomness, SupportDesk } from "@support-policy/core"
import { EmailIntake, NodemailerTransport, RequesterDirectory } from "@support-policy/email"
import { Effect, Layer, Redacted } from "effect"

const ana = "ana@buyer.example"

const intake = EmailIntake.layer({
  threading: { secret: Redacted.make("a-secret-of-16-characters-or-more"), domain: "desk.example" }, // as delivery's
  category: "consultation", // the category of cases opened by email
  ownAddresses: ["support@desk.example"], // mail from these is a loop
  authenticity: { trust: "authentication-results", authservId: "mx.desk.example" } // your MTA checks and stamps mail
})
const services = Layer.mergeAll(
  // the desk and its stores (PgStorage for stores that last), over the mailbox: the desk's erasure erases mail too
  SupportDesk.layerMemory(Presets.globalSources).pipe(Layer.provideMerge(Mailbox.layerMemory)), // mail kept for staff
  RequesterDirectory.layerMemory([{ id: "buyer-ana", audience: "buyer", name: "Ana", email: ana }]), // your users
  NodemailerTransport.layer("smtp://127.0.0.1:587"), // answers to unknown senders go out here, if you turn them on
  Randomness.layer
)

// a mail as your MTA hands it over, with its Authentication-Results
const mail = (from: string, id: string, subject: string, text: string, ...headers: Array<string>) => ({
  from,
  raw: [
    `Authentication-Results: mx.desk.example; dmarc=pass header.from=${from.split("@")[1]}`,
    `From: ${from}`,
    "To: support@desk.example",
    `Subject: ${subject}`,
    `Message-ID: <${id}>`,
    ...headers,
    "Content-Type: text/plain; charset=utf-8",
    "",
    text
  ].join("\r\n")
})
const program = Effect.gen(function* () {
  const intake = yield* EmailIntake.EmailIntake
  const receive = (what: string, { from, raw }: { from: string; raw: string }) =>
    Effect.tap(intake.receive(raw, { mailFrom: from, rcptTo: ["support@desk.example"] }), (receipt) =>
      Effect.sync(() => console.log(`${what}: ${receipt.outcome} (${receipt.smtp.code})`))
    )

  const first = mail(ana, "1@buyer.example", "Samples", "Can I get two samples of item 42?")
  const opened = yield* receive("Ana's new mail", first)
  const trackingNumber = opened.trackingNumber ?? ""
  const quoted = "Three samples, please.\n\nOn Monday, Global Sources Support wrote:\n> We have received your request"
  yield* receive("her reply", mail(ana, "2@buyer.example", `Re: [${trackingNumber}]`, quoted))
  yield* receive(
    "her out-of-office notice",
    mail(ana, "3@buyer.example", "Away", "Back on Monday.", "Auto-Submitted: auto-replied")
  )
  yield* receive("a stranger", mail("sam@elsewhere.example", "4@elsewhere.example", "Hi", "Hello?"))
  yield* receive("Ana's first mail again", first)

  const desk = yield* SupportDesk.SupportDesk
  const { case: c, events } = yield* desk.getCase(Actor.agent("agent-sam"), trackingNumber)
  console.log(`the case "${c.subject}" by ${c.channel}: ${c.status}`)
  for (const event of events) if ("body" in event) console.log(`  ${event.type}: ${event.body}`)
})

Effect.runPromise(program.pipe(Effect.provide(intake.pipe(Layer.provideMerge(services)))))
// Prints:
// Ana's new mail: opened (250)
// her reply: replied (250)
// her out-of-office notice: automatic (250)
// a stranger: unknownSender (250)
// Ana's first mail again: duplicate (250)
// the case "Samples" by email: open
//   submitted: Can I get two samples of item 42?
//   requesterResponded: Three samples, please.
