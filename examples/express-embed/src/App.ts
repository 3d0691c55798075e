/**
 * An existing Express 5 app (a shop with its own routes and its own JSON body parser) that embeds the support desk's
 * HTTP API under `/support`, through `HttpSupportApi.toWebHandler` and a small adapter.
 */
import { Actor, Presets, SupportDesk } from "@support-policy/core"
import { Authentication, HttpSupportApi } from "@support-policy/http"
import { Layer } from "effect"
import express, { type Express } from "express"
import { webHandlerMiddleware } from "./webHandlerMiddleware.ts"

/** The demo's people and their bearer tokens. A real app authenticates against its own sessions. */
export const tokens = {
  "buyer-token": Actor.requester({ id: "buyer-1", audience: "buyer", name: "Ada", email: "ada@example.com" }),
  "agent-token": Actor.agent("agent-1", { name: "Ann" })
}

export const makeApp = (): { readonly app: Express; readonly dispose: () => Promise<void> } => {
  const support = HttpSupportApi.toWebHandler(
    Layer.mergeAll(SupportDesk.layerMemory(Presets.globalSources), Authentication.layerBearerTokens(tokens)),
    { basePath: "/support" }
  )

  const app = express()
  const products = [
    { id: "p-1", name: "LED desk lamp" },
    { id: "p-2", name: "USB-C charger" }
  ]

  // the app's own routes, with its own body parser
  app.get("/health", (_req, res) => {
    res.json({ ok: true })
  })
  app.get("/products", (_req, res) => {
    res.json(products)
  })
  app.post("/products", express.json(), (req, res) => {
    const product = { id: `p-${products.length + 1}`, name: String(req.body?.name ?? "") }
    products.push(product)
    res.status(201).json(product)
  })

  // the support desk, mounted under /support: the API's routes start at /v1, Express strips "/support"
  app.use("/support", webHandlerMiddleware(support.handler))

  return { app, dispose: support.dispose }
}
