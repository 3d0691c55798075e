/**
 * The email package's test setting: the Global Sources desk in memory, the mailbox, a directory of three requesters,
 * a real SMTP server on loopback (the sink), and delivery and intake options that agree on one secret.
 */
import {
  Actor,
  type CaseStore,
  type Incident,
  Mailbox,
  type Outbox,
  Presets,
  Randomness,
  SupportDesk,
  type TaskStore
} from "@support-policy/core"
import { Layer, ManagedRuntime } from "effect"
import {
  type EmailDelivery,
  EmailIntake,
  type EmailTransport,
  NodemailerTransport,
  RequesterDirectory
} from "@support-policy/email"
import type * as SmtpSink from "./SmtpSink.ts"

export const ana = Actor.requester({
  id: "buyer-ana",
  audience: "buyer",
  email: "ana@buyer.example",
  name: "Ana Silva"
})
export const li = Actor.requester({ id: "buyer-li", audience: "buyer", email: "li@bigbuyer.example", name: "Li Na" })
export const bolt = Actor.requester({
  id: "supplier-bolt",
  audience: "supplier",
  email: "support@bolt-electronics.example",
  name: "Bolt Electronics"
})
export const agent = Actor.agent("agent-sam", { name: "Sam Taylor" })

export const profileOf = ({ role: _role, ...profile }: Actor.Requester): Actor.RequesterProfile => profile

export const threading = { secret: "test-secret-0123456789abcdef", domain: "desk.example" }

export const deliveryOptions: EmailDelivery.Options = {
  from: "Global Sources Support <support@desk.example>",
  threading,
  replyTo: { localPart: "support", domain: "reply.desk.example" },
  templates: { policyTimeZone: Presets.globalSources.calendar.spec.timeZone },
  backoff: { baseMillis: 50, maxMillis: 200, jitter: 0.2 },
  leaseMillis: 5_000
}

export const intakeOptions = (overrides: Partial<EmailIntake.Options> = {}): EmailIntake.Options => ({
  threading,
  category: "consultation",
  ownAddresses: ["support@desk.example"],
  authenticity: { trust: "authentication-results", authservId: "mx.desk.example" },
  unknownSender: { reply: true, from: "Global Sources Support <support@desk.example>" },
  newCasesPerAddress: { max: 100, windowMillis: 3_600_000 },
  ...overrides
})

/** Everything on one memory state, sending to the sink. */
export type Services =
  | EmailIntake.EmailIntake
  | SupportDesk.SupportDesk
  | CaseStore.CaseStore
  | Outbox.Outbox
  | Incident.IncidentStore
  | Mailbox.Mailbox
  | RequesterDirectory.RequesterDirectory
  | EmailTransport.EmailTransport
  | Randomness.Randomness
  | TaskStore.TaskStore

export const layer = (sink: SmtpSink.Sink, intake: Partial<EmailIntake.Options> = {}): Layer.Layer<Services> => {
  const storage = Layer.mergeAll(SupportDesk.layerMemory(Presets.globalSources), Mailbox.layerMemory)
  const services = Layer.mergeAll(
    storage,
    RequesterDirectory.layerMemory([profileOf(ana), profileOf(li), profileOf(bolt)]),
    NodemailerTransport.layer(sink.url),
    Randomness.layer
  )
  return EmailIntake.layer(intakeOptions(intake)).pipe(Layer.provideMerge(services))
}

export const runtime = (
  sink: SmtpSink.Sink,
  intake: Partial<EmailIntake.Options> = {}
): ManagedRuntime.ManagedRuntime<Services, never> => ManagedRuntime.make(layer(sink, intake))
