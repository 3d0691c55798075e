/**
 * The demo's pages: the requester page at `/`, the agent console at `/agent`, their scripts and style sheet under
 * `/assets/`, and `/demo/identities` (the demo's people and tokens, for the pages' identity picker). Plain files from
 * `public/`, read once at start-up and served from memory.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import * as DemoActors from "./DemoActors.ts"

const publicDir = Path.join(import.meta.dirname, "..", "public")

const types: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml"
}

const page = (file: string): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(Fs.readFileSync(Path.join(publicDir, file), "utf8"), {
    contentType: types[Path.extname(file)] ?? "application/octet-stream",
    // a demo: always revalidate, so an edited page shows on reload
    headers: { "cache-control": "no-cache", "x-content-type-options": "nosniff" }
  })

/** The identities the pages offer: token, label, role and audience. */
export const identitiesJson = DemoActors.identities.map((i) => ({
  token: i.token,
  label: i.label,
  role: i.actor.role,
  id: i.actor.id,
  email: DemoActors.emailOf(i),
  ...(i.actor.role === "requester" ? { audience: i.actor.audience, flags: i.actor.flags ?? [] } : {})
}))

/** The routes of the pages. */
export const layer: Layer.Layer<never, never, HttpRouter.HttpRouter> = Layer.unwrap(
  Effect.sync(() => {
    const assets = Fs.readdirSync(publicDir).filter((f) => !f.endsWith(".html"))
    const routes: ReadonlyArray<HttpRouter.Route> = [
      HttpRouter.route("GET", "/", page("requester.html")),
      HttpRouter.route("GET", "/agent", page("agent.html")),
      ...assets.map((file) => HttpRouter.route("GET", `/assets/${file}`, page(file))),
      HttpRouter.route("GET", "/demo/identities", HttpServerResponse.jsonUnsafe(identitiesJson))
    ]
    return HttpRouter.addAll(routes)
  })
)
