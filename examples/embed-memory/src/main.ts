/**
 * The support desk embedded in a host program, with nothing but memory: the Global Sources v1.8 preset, a buyer's
 * request, an agent's answer, and the SLA clocks that say why each deadline is what it is.
 *
 *   pnpm --filter @support-policy/example-embed-memory start
 */
import { Presets, Sla, SupportDesk } from "@support-policy/core"
import { Effect } from "effect"

const agent = { role: "agent", id: "agent-sam", name: "Sam" } as const

export const program: Effect.Effect<
  SupportDesk.CaseView,
  SupportDesk.SubmitError | SupportDesk.ActionError,
  SupportDesk.SupportDesk
> = Effect.gen(function* () {
  const desk = yield* SupportDesk.SupportDesk
  const submission = yield* desk.submit({
    requester: { id: "buyer-ana", audience: "buyer", name: "Ana" },
    channel: "online-form",
    category: "consultation",
    subject: "How do I request samples?",
    description: "I cannot find the sample request button on a product page.",
    language: "en"
  })
  const trackingNumber = submission.view.case.trackingNumber
  yield* Effect.log(`Submitted ${trackingNumber}; reply by ${new Date(submission.replyBy!).toISOString()}`)
  yield* Effect.log(submission.acknowledgment?.body ?? "")

  const answered = yield* desk.reply(agent, trackingNumber, { body: "Open the product page and use “Request sample”." })
  for (const clock of answered.sla.clocks) {
    yield* Effect.log(`${clock.metric}: ${clock.state}, due ${new Date(clock.dueAt).toISOString()}`)
  }
  // why the first-response deadline is what it is
  for (const line of Sla.explain(Presets.globalSources, answered.sla.clocks[0]!)) yield* Effect.log(line)
  return answered
})

if (import.meta.main) {
  Effect.runPromise(program.pipe(Effect.provide(SupportDesk.layerMemory(Presets.globalSources))))
}
