import { Actor, Presets, SupportDesk } from "@support-policy/core"
import { Authentication, HttpSupportApi } from "@support-policy/http"
import { Layer } from "effect"

const { handler, dispose } = HttpSupportApi.toWebHandler(
  Layer.mergeAll(
    SupportDesk.layerMemory(Presets.globalSources),
    Authentication.layerBearerTokens({ "buyer-token": Actor.requester({ id: "buyer-1", audience: "buyer" }) })
  )
)

// any server that speaks Request and Response can call it; here, directly
const response = await handler(
  new Request("http://localhost/v1/cases", {
    method: "POST",
    headers: { authorization: "Bearer buyer-token", "content-type": "application/json" },
    body: JSON.stringify({ category: "order-delivery", subject: "Where is my order?", description: "Order 42." })
  })
)
const submission = (await response.json()) as { trackingNumber: string; replyBy: { text: string } }
console.log(`${response.status} ${submission.trackingNumber}: ${submission.replyBy.text}`)
await dispose()
