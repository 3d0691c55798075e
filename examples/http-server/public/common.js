// Shared by the demo's pages: the identity picker, calls to the /v1 API, and formatting. A plain ES module.
const STORAGE_KEY = "support-demo:token:"

/** Builds an element: el("p", { class: "x", onclick: f }, "text", child). */
export const el = (tag, attrs, ...children) => {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value)
    else if (key === "dataset") Object.assign(node.dataset, value)
    else node.setAttribute(key, value === true ? "" : String(value))
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue
    node.append(child instanceof Node ? child : String(child))
  }
  return node
}

let identitiesPromise
export const identities = () => {
  identitiesPromise ??= fetch("/demo/identities").then((r) => r.json())
  return identitiesPromise
}

let token = null
let language = null

/** The language the API writes its texts in for this page (sent as Accept-Language); null: the browser's. */
export const setLanguage = (tag) => {
  language = tag
}

/**
 * Fills the identity picker with the demo identities of `kind` ("requester" or "staff"), remembers the choice in
 * localStorage, and calls onChange(identity) now and on every change.
 */
export const setupIdentity = async (select, kind, onChange) => {
  const all = await identities()
  const mine = all.filter((i) => (kind === "requester" ? i.role === "requester" : i.role !== "requester"))
  select.replaceChildren(...mine.map((i) => el("option", { value: i.token }, i.label)))
  const saved = localStorage.getItem(STORAGE_KEY + kind)
  select.value = mine.some((i) => i.token === saved) ? saved : mine[0].token
  const apply = () => {
    token = select.value
    localStorage.setItem(STORAGE_KEY + kind, token)
    onChange(mine.find((i) => i.token === token))
  }
  select.addEventListener("change", apply)
  apply()
}

/** An error answer of the API (application/problem+json), in words. */
export class ApiError extends Error {
  constructor(status, problem) {
    const fields = (problem?.problems ?? []).map((p) => `• ${p.path}: ${p.message}`)
    super([problem?.detail ?? problem?.title ?? `HTTP ${status}`, ...fields].join("\n"))
    this.status = status
    this.problem = problem
  }
}

/** The bearer token of the chosen identity (for requests the page makes itself, such as the live stream). */
export const currentToken = () => token

/** Calls the API as the chosen identity; resolves with the JSON body, rejects with an ApiError. */
export const api = async (method, path, body, extraHeaders) => {
  const headers = { accept: "application/json", ...extraHeaders }
  if (token) headers.authorization = `Bearer ${token}`
  if (language) headers["accept-language"] = language
  if (body !== undefined) headers["content-type"] = "application/json"
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  let json = null
  try {
    json = text === "" ? null : JSON.parse(text)
  } catch {
    json = { detail: text }
  }
  if (!response.ok) throw new ApiError(response.status, json)
  return json
}

let policyPromise
/** The policy in force (GET /v1/policy), fetched once. */
export const policy = () => {
  policyPromise ??= api("GET", "/v1/policy")
  return policyPromise
}

export const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone
const dateFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit"
})
const zoneName = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" })
  .formatToParts(new Date())
  .find((p) => p.type === "timeZoneName")?.value

/** An instant (epoch ms) in the viewer's time zone: "Thu 27 Nov, 11:48". */
export const when = (ms) => (ms === null || ms === undefined ? "—" : dateFormat.format(new Date(ms)))
/** The same with the zone: "Thu 27 Nov, 11:48 GMT+8". */
export const whenZoned = (ms) => (ms === null || ms === undefined ? "—" : `${when(ms)} ${zoneName ?? ""}`.trim())

/** Business time: "3 h 15 min". */
export const duration = (ms) => {
  const minutes = Math.round(Math.abs(ms) / 60_000)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`
}

export const nameOf = (list, id) => list?.find((x) => x.id === id)?.name ?? id

export const STATUS = {
  open: "Open — we owe you an answer",
  awaitingRequester: "Waiting for your answer",
  onHold: "On hold for verification",
  inMediation: "In mediation",
  resolved: "Resolved",
  explained: "Answered with an explanation",
  refused: "Refused",
  closed: "Closed"
}
export const STATUS_STAFF = { ...STATUS, open: "Open", awaitingRequester: "Awaiting requester" }

export const METRIC = { firstResponse: "First reply", progressUpdate: "Progress update", resolution: "Resolution" }

/** A clock's badge: [class, label]. */
export const clockBadge = (clock, asOf) => {
  if (clock.state === "breached") return ["breached", "Breached"]
  if (clock.state === "met") return ["on-track", "Met"]
  if (clock.state === "paused") return ["paused", "Paused"]
  if (clock.state === "cancelled" || clock.state === "refused") return ["neutral", "Stopped"]
  if (clock.warningsAt.some((w) => w <= asOf)) return ["due-soon", "Due soon"]
  return ["on-track", "On track"]
}

export const QUEUE_BADGE = {
  breached: ["breached", "Breached"],
  dueSoon: ["due-soon", "Due soon"],
  onTrack: ["on-track", "On track"]
}

/** The table of a case's clocks. */
export const clocksTable = (view) => {
  const clocks = view.sla.clocks
  if (clocks.length === 0) return el("p", { class: "empty" }, "No service-level clock applies.")
  // a region of its own: on a phone the table scrolls sideways inside it, never the page
  return el("section", { class: "table-scroll", tabindex: 0, "aria-label": "SLA clocks" }, clocksTableOf(view))
}

const clocksTableOf = (view) => {
  const clocks = view.sla.clocks
  return el(
    "table",
    { class: "clocks" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", {}, "Promise"),
        el("th", {}, "State"),
        el("th", {}, "Due"),
        el("th", {}, "Business time left")
      )
    ),
    el(
      "tbody",
      {},
      clocks.map((c) => {
        const [cls, label] = clockBadge(c, view.asOf)
        const done = c.state === "met" || c.state === "cancelled" || c.state === "refused"
        return el(
          "tr",
          { dataset: { metric: c.metric, state: c.state } },
          el(
            "td",
            {},
            `${METRIC[c.metric] ?? c.metric}${c.instance > 1 ? ` #${c.instance}` : ""}`,
            el("div", { class: "hint" }, `clause ${c.clause}`)
          ),
          el("td", {}, el("span", { class: `badge ${cls}` }, label)),
          el("td", { class: "mono" }, done && c.metAt !== undefined ? `met ${when(c.metAt)}` : when(c.dueAt)),
          el(
            "td",
            {},
            done ? "—" : c.state === "breached" ? `overdue by ${duration(c.usedMs - c.targetMs)}` : duration(c.leftMs)
          )
        )
      })
    )
  )
}

const PUBLIC = new Set([
  "submitted",
  "replied",
  "progressUpdated",
  "informationRequested",
  "requesterResponded",
  "resolved",
  "explained",
  "refused",
  "reopened",
  "closed"
])

/** One event of the handling record, in words (staff's view; the requester page has its own, translated). */
const describe = (e, p, viewerIsRequester, names) => {
  const who =
    e.actor.role === "requester"
      ? viewerIsRequester
        ? "You"
        : "Requester"
      : e.actor.role === "system"
        ? "The desk"
        : viewerIsRequester
          ? e.actor.role === "accountManager"
            ? "Your account manager"
            : "Support"
          : personName(e.actor.id, names)
  switch (e.type) {
    case "submitted":
      return `Request received through ${nameOf(p.channels, e.channel)} — ${nameOf(p.categories, e.category)}, ${nameOf(p.priorities, e.priority).toLowerCase()} priority`
    case "replied":
      return `${who} replied`
    case "progressUpdated":
      return `${who} posted a progress update`
    case "informationRequested":
      return `${who} asked for more information`
    case "requesterResponded":
      return `${who} answered`
    case "priorityChanged":
      return `Priority changed from ${nameOf(p.priorities, e.from)} to ${nameOf(p.priorities, e.to)}`
    case "categoryChanged":
      return `Topic changed to ${nameOf(p.categories, e.to)}`
    case "assigned":
      return `Assigned to ${assigneeText(e.to, names)}`
    case "escalated":
      return `Escalated to ${assigneeText(e.to, names)}`
    case "verificationStarted":
      return "Held for verification (clause 7.2)"
    case "verificationConcluded":
      return `Verification ${e.outcome}`
    case "incidentLinked":
      return "Linked to a platform incident (clause 6.5)"
    case "incidentUnlinked":
      return "The platform incident is over"
    case "resolved":
      return `${who} resolved the request`
    case "explained":
      return `${who} answered with an explanation`
    case "refused":
      return `Refused (${e.reason})`
    case "reopened":
      return `${who} reopened the request`
    case "closed":
      return "Closed"
    case "noteAdded":
      return `Internal note by ${personName(e.actor.id, names)} — not shown to the requester`
    case "qualityReviewed":
      return `Quality review: ${e.rating} of 5${e.note ? ` — ${e.note}` : ""}`
    case "qualityReviewSelected":
      return `Selected for quality review (${e.reasons.join(", ")})`
    case "mediationRequested":
      return `${who} asked the platform to mediate`
    case "counterpartyContacted":
      return "The other party was contacted"
    case "counterpartyResponded":
      return "The other party posted a statement"
    case "mediationConcluded":
      return `Mediation concluded: ${e.outcome}`
    case "slaWarning":
    case "slaBreached":
    case "slaEscalated": {
      const what = { slaWarning: "SLA warning", slaBreached: "SLA breached", slaEscalated: "SLA escalation" }[e.type]
      const to = e.to.map((a) => assigneeText(a, names)).join(", ")
      return `${what}: ${METRIC[e.metric] ?? e.metric} (${e.level}, due ${when(e.dueAt)})${to === "" ? "" : ` — told ${to}`}`
    }
    default:
      return e.type
  }
}

/** A person's display name (from the API's `names`), else their id. */
export const personName = (id, names) => names?.[id] ?? id

export const assigneeText = (a, names) =>
  a === undefined
    ? "Unassigned"
    : a.id === undefined
      ? a.queue
        ? `${a.queue} queue`
        : "any agent"
      : `${personName(a.id, names)}${a.role === "accountManager" ? " (account manager)" : ""}${a.queue ? ` · ${a.queue} queue` : ""}`

const ROLE = {
  requester: "requester",
  agent: "agent",
  accountManager: "account manager",
  administrator: "administrator"
}

/**
 * The handling record, oldest first; internal notes stand apart (yellow, marked "Internal"). The API gives the latest
 * page; a button fetches the page before it (GET /v1/cases/{trackingNumber}?before=<eventsBefore>) while there is one.
 */
export const recordList = (view, p, viewerIsRequester) => {
  const item = (e) =>
    el(
      "li",
      {
        class: `${e.type === "noteAdded" ? "note" : PUBLIC.has(e.type) ? "public" : "internal"}`,
        dataset: { type: e.type }
      },
      el(
        "div",
        { class: "when" },
        e.type === "noteAdded" ? el("span", { class: "badge note" }, "Internal") : null,
        `${when(e.at)}${viewerIsRequester || e.actor.role === "system" ? "" : ` · ${e.actor.id === view.case.requester.id ? (view.case.requester.name ?? e.actor.id) : personName(e.actor.id, view.names)} (${ROLE[e.actor.role] ?? e.actor.role})`}`
      ),
      el("div", {}, describe(e, p, viewerIsRequester, view.names)),
      e.body ? el("div", { class: "body" }, e.body) : null
    )
  return recordPages(view, item, "Show earlier events")
}

export const showError = (node, error) => {
  node.textContent = error instanceof Error ? error.message : String(error)
  node.hidden = false
}

/**
 * A case's record as a page of its latest events, with a button that reads the earlier ones (`?before=`) on demand:
 * `item` draws one event, `label` names the button.
 */
export const recordPages = (view, item, label) => {
  const list = el("ol", { class: "record" }, view.events.map(item))
  let before = view.eventsBefore ?? null
  const earlier = el(
    "button",
    {
      type: "button",
      class: "secondary earlier",
      hidden: before === null,
      onclick: async () => {
        earlier.disabled = true
        try {
          const page = await api("GET", `/v1/cases/${encodeURIComponent(view.case.trackingNumber)}?before=${before}`)
          list.prepend(...page.events.map(item))
          before = page.eventsBefore
          earlier.hidden = before === null
        } finally {
          earlier.disabled = false
        }
      }
    },
    label
  )
  return el("div", { class: "record-pages" }, earlier, list)
}
