import { Actor, Presets, SupportDesk } from "@support-policy/core"
import { Effect } from "effect"

const program = Effect.gen(function* () {
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
  const agent = Actor.agent("agent-sam")
  const answered = yield* desk.reply(agent, trackingNumber, { body: "Use “Request sample” on the product page." })
  console.log(`${trackingNumber}: ${answered.case.status}`)
  for (const clock of answered.sla.clocks) console.log(`  ${clock.metric}: ${clock.state}`)
})

Effect.runPromise(program.pipe(Effect.provide(SupportDesk.layerMemory(Presets.globalSources))))
