import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Actor, Presets, SupportDesk } from "@support-policy/core"
import { Authentication, HttpSupportApi } from "@support-policy/http"
import { Layer } from "effect"
import { createServer } from "node:http"

const desk = SupportDesk.layerMemory(Presets.globalSources, { whenClosed: { "live-chat": "online-form" } })
const authentication = Authentication.layerBearerTokens({
  "buyer-token": Actor.requester({ id: "buyer-1", audience: "buyer" }),
  "agent-token": Actor.agent("agent-1")
})

HttpSupportApi.serve().pipe(
  Layer.provide([desk, authentication]),
  Layer.provide(NodeHttpServer.layer(createServer, { port: Number(process.env.PORT ?? 3000) })),
  Layer.launch,
  NodeRuntime.runMain
)
