/**
 * The demo's pages: the requester page at `/`, the support console at `/agent`, the policy's promises at `/policy`,
 * their scripts and style sheet under `/assets/`, the libraries they load as ES modules under `/vendor/` (Chart.js and
 * its colour helper, eventsource-parser: the files their packages ship, no build step), and `/demo/identities` (the
 * demo's people and tokens, for the pages' identity picker). Plain files, read once at start-up and served from
 * memory.
 */
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
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

/** The ES module a package ships for `import`, by the package's own `exports`, so an upgrade keeps working. */
const esm = (specifier: string): string => fileURLToPath(import.meta.resolve(specifier))
const chartJs = esm("chart.js")

/** The library files the pages import, by their URL under `/vendor/`. */
export const vendorFiles: Readonly<Record<string, string>> = {
  "chart.js/chart.js": chartJs,
  "chart.js/chunks/index.js": Path.join(Path.dirname(chartJs), "chunks", "index.js"),
  // Chart.js's own dependency (not the example's), found from Chart.js's folder; its ES module beside its main file
  "kurkle-color.js": Path.join(Path.dirname(createRequire(chartJs).resolve("@kurkle/color")), "color.esm.js"),
  "eventsource-parser.js": esm("eventsource-parser")
}

const file = (path: string): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(Fs.readFileSync(path, "utf8"), {
    contentType: types[Path.extname(path)] ?? "application/octet-stream",
    // a demo: always revalidate, so an edited page shows on reload
    headers: { "cache-control": "no-cache", "x-content-type-options": "nosniff" }
  })

const page = (name: string): HttpServerResponse.HttpServerResponse => file(Path.join(publicDir, name))

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
      HttpRouter.route("GET", "/policy", page("policy.html")),
      ...Object.entries(vendorFiles).map(([url, path]) => HttpRouter.route("GET", `/vendor/${url}`, file(path))),
      ...assets.map((name) => HttpRouter.route("GET", `/assets/${name}`, page(name))),
      HttpRouter.route("GET", "/demo/identities", HttpServerResponse.jsonUnsafe(identitiesJson))
    ]
    return HttpRouter.addAll(routes)
  })
)
