// The support console: views with counts, search and filters, the list a page at a time, a case with its record and
// clocks, assignment, replies and internal notes, live updates (server-sent events), and the SLA alerts in the header.
// Other screens (incidents, mediation, quality, reports) live in screens.js and reports.js. Calls the /v1 API.
import { createParser } from "/vendor/eventsource-parser.js"
import * as Alerts from "./alerts.js"
import * as SP from "./common.js"
import * as Reports from "./reports.js"
import * as Screens from "./screens.js"

const { el, api, when, whenZoned, nameOf, showError } = SP
const $ = (id) => document.getElementById(id)

const VIEWS = [
  ["active", "All open work"],
  ["mine", "My cases"],
  ["unassigned", "Unassigned"],
  ["open", "Open"],
  ["awaitingRequester", "Awaiting requester"],
  ["onHold", "On hold"],
  ["inMediation", "In mediation"],
  ["resolved", "Resolved"],
  ["refused", "Refused"],
  ["closed", "Closed"],
  ["all", "All cases"]
]

const state = {
  me: null,
  view: "active",
  q: "",
  next: null,
  selected: null, // the CaseView shown
  busy: false, // an action of ours is in flight
  people: [],
  names: {}
}

const filters = $("filters")
const list = $("case-list")
const caseView = $("case-view")
const actionsBox = $("actions")
const actionForm = $("action-form")
const actionFields = $("action-fields")
const actionError = $("action-error")
const actionOk = $("action-ok")
let currentAction = null

// --- screens ------------------------------------------------------------------------------------------------------

const screens = {
  cases: { show: () => {} },
  incidents: Screens.incidents,
  mediation: Screens.mediation,
  quality: Screens.quality,
  reports: Reports.screen
}

const showScreen = (name) => {
  const screen = screens[name] ? name : "cases"
  for (const key of Object.keys(screens)) $(`screen-${key}`).hidden = key !== screen
  for (const link of document.querySelectorAll("nav.screens a")) {
    if (link.dataset.screen === screen) link.setAttribute("aria-current", "page")
    else link.removeAttribute("aria-current")
  }
  document.body.dataset.screen = screen
  if (screen !== "cases") screens[screen].show($(`screen-${screen}`), { me: state.me, names: state.names })
}

const route = () => {
  const hash = decodeURIComponent(location.hash.slice(1))
  if (hash.startsWith("GS-")) {
    showScreen("cases")
    openCase(hash)
  } else showScreen(hash || "cases")
}
window.addEventListener("hashchange", route)

// --- views and counts ---------------------------------------------------------------------------------------------

const countText = (count, cap) => (count >= cap ? `${(cap / 1000).toFixed(0)}k+` : String(count))

const renderViews = (counts) => {
  const byView = new Map((counts?.items ?? []).map((i) => [i.view, i.count]))
  $("views").replaceChildren(
    ...VIEWS.map(([id, label]) =>
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: "view",
            "aria-current": state.view === id && state.q === "" ? "true" : undefined,
            dataset: { view: id },
            onclick: () => selectView(id)
          },
          el("span", {}, label),
          el(
            "span",
            { class: "count", dataset: { count: byView.get(id) ?? "" } },
            countText(byView.get(id) ?? 0, counts?.cap ?? 1e9)
          )
        )
      )
    )
  )
  const select = $("view-select")
  select.replaceChildren(
    ...VIEWS.map(([id, label]) =>
      el("option", { value: id }, `${label} (${countText(byView.get(id) ?? 0, counts?.cap ?? 1e9)})`)
    )
  )
  select.value = state.view
}

const loadCounts = async () => {
  try {
    renderViews(await api("GET", "/v1/desk/counts"))
  } catch {
    renderViews(null)
  }
}

const selectView = (view) => {
  state.view = view
  state.q = ""
  $("search-form").q.value = ""
  loadList()
  loadCounts()
}

$("view-select").addEventListener("change", (e) => selectView(e.target.value))

// --- the list -----------------------------------------------------------------------------------------------------

const listQuery = () => {
  const data = new FormData(filters)
  const params = new URLSearchParams({ view: state.view, limit: "25" })
  const sort = String(data.get("sort") ?? "due")
  if (sort === "received-asc") {
    params.set("sort", "received")
    params.set("order", "asc")
  } else params.set("sort", sort)
  for (const key of ["assignee", "queue", "priority", "category"]) {
    const value = data.get(key)
    if (value) params.set(key, value)
  }
  if (state.q !== "") params.set("q", state.q)
  return params
}

const dueText = (c) => {
  if (c.nextDueAt === null) return ""
  const left = c.nextDueAt - Date.now()
  return left < 0 ? `overdue since ${when(c.nextDueAt)}` : `due ${when(c.nextDueAt)}`
}

const badgeOf = (c) =>
  c.nextDueAt === null ? null : c.nextDueAt < Date.now() ? ["breached", "Breached"] : ["on-track", "Running"]

const caseItem = (c, policy, names) => {
  const badge = badgeOf(c)
  return el(
    "li",
    {},
    el(
      "button",
      {
        type: "button",
        class: `case-row${state.selected?.case.id === c.id ? " selected" : ""}${badge ? ` ${badge[0]}` : ""}`,
        dataset: { tracking: c.trackingNumber, status: c.status },
        onclick: () => openCase(c.trackingNumber)
      },
      el(
        "span",
        { class: "line1" },
        el("span", { class: "mono" }, c.trackingNumber),
        el(
          "span",
          { class: `badge ${c.priority === "high" ? "high" : "neutral"}` },
          nameOf(policy.priorities, c.priority)
        ),
        el("span", { class: "badge neutral" }, SP.STATUS_STAFF[c.status] ?? c.status),
        badge ? el("span", { class: `badge ${badge[0]}` }, badge[1]) : null
      ),
      el("span", { class: "subject" }, c.subject),
      el(
        "span",
        { class: "hint line3" },
        `${c.requester.name ?? c.requester.id} · ${SP.assigneeText(c.assignee, names)}${c.nextDueAt === null ? "" : ` · ${dueText(c)}`}`
      )
    )
  )
}

/** The newest list request: an answer to an older one (a view still loading when a search was sent) is dropped. */
let listRequest = 0

const loadList = async (append = false) => {
  const mine = ++listRequest
  $("list-error").hidden = true
  const params = listQuery()
  if (append && state.next) params.set("cursor", state.next)
  let page
  try {
    page = await api("GET", `/v1/desk/cases?${params}`)
  } catch (error) {
    if (mine !== listRequest) return
    if (!append) list.replaceChildren()
    $("list-summary").textContent = ""
    $("more").hidden = true
    showError($("list-error"), error)
    return
  }
  const policy = await SP.policy()
  if (mine !== listRequest) return
  Object.assign(state.names, page.names)
  state.next = page.next
  const items = page.exact ? [page.exact] : page.items
  const rows = items.map((c) => caseItem(c, policy, state.names))
  if (append) list.append(...rows)
  else list.replaceChildren(...rows)
  $("more").hidden = page.next === null
  const label = VIEWS.find(([id]) => id === state.view)?.[1] ?? state.view
  const shown = list.children.length
  $("list-title").textContent = state.q === "" ? label : `Search: ${state.q}`
  if (page.didYouMean.length > 0) {
    $("list-summary").replaceChildren(
      "No case has that number. Check the characters; did you mean ",
      ...page.didYouMean.flatMap((tn, i) => [i > 0 ? " or " : "", el("a", { href: `#${tn}`, class: "mono" }, tn)]),
      "?"
    )
  } else {
    $("list-summary").textContent =
      shown === 0 ? "Nothing here." : `${shown} ${shown === 1 ? "case" : "cases"}${page.next ? ", more below" : ""}`
  }
  if (page.exact && !append) openCase(page.exact.trackingNumber)
}

filters.addEventListener("change", () => loadList())
$("more").addEventListener("click", () => loadList(true))
$("search-form").addEventListener("submit", (event) => {
  event.preventDefault()
  state.q = event.target.q.value.trim()
  loadList()
  renderViews(null)
  loadCounts()
})

// --- a case -------------------------------------------------------------------------------------------------------

const openCase = async (trackingNumber) => {
  actionError.hidden = true
  actionOk.hidden = true
  try {
    show(await api("GET", `/v1/cases/${encodeURIComponent(trackingNumber)}`))
    if (location.hash !== `#${trackingNumber}`) history.replaceState(null, "", `#${trackingNumber}`)
  } catch (error) {
    state.selected = null
    caseView.hidden = true
    actionsBox.hidden = true
    $("assign-box").hidden = true
    $("stale").hidden = true
    $("case-empty").hidden = false
    $("case-empty").textContent = error.status === 404 ? `No case ${trackingNumber} is visible to you.` : error.message
  }
}

const show = async (view) => {
  const policy = await SP.policy()
  state.selected = view
  Object.assign(state.names, view.names ?? {})
  $("stale").hidden = true
  const c = view.case
  for (const row of list.querySelectorAll("button.case-row")) {
    row.classList.toggle("selected", row.dataset.tracking === c.trackingNumber)
  }
  $("case-empty").hidden = true
  caseView.replaceChildren(
    el("h3", { id: "case-subject" }, c.subject),
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, "Tracking number"),
      el("dd", { class: "mono", id: "case-tracking" }, c.trackingNumber),
      el("dt", {}, "Status"),
      el("dd", { id: "case-status", dataset: { status: c.status } }, SP.STATUS_STAFF[c.status] ?? c.status),
      el("dt", {}, "Requester"),
      el(
        "dd",
        { id: "case-requester" },
        `${c.requester.name ?? c.requester.id}${c.requester.email ? ` <${c.requester.email}>` : ""} (${c.requester.audience}${
          c.requester.accountManagerId
            ? `, account manager ${SP.personName(c.requester.accountManagerId, state.names)}`
            : ""
        })`
      ),
      el("dt", {}, "Assigned"),
      el("dd", { id: "case-assignee" }, SP.assigneeText(c.assignee, state.names)),
      el("dt", {}, "Topic"),
      el("dd", {}, nameOf(policy.categories, c.category)),
      el("dt", {}, "Priority"),
      el("dd", {}, nameOf(policy.priorities, c.priority)),
      el("dt", {}, "Channel"),
      el("dd", {}, nameOf(policy.channels, c.channel)),
      el("dt", {}, "Received"),
      el("dd", {}, whenZoned(c.openedAt)),
      c.orderReference ? [el("dt", {}, "Order"), el("dd", {}, c.orderReference)] : null
    ),
    el("h3", {}, "SLA clocks"),
    SP.clocksTable(view),
    el("h3", { class: "spaced" }, "Handling record"),
    SP.recordList(view, policy, false)
  )
  caseView.hidden = false
  caseView.dataset.tracking = c.trackingNumber
  caseView.dataset.sequence = String(c.sequence)
  renderAssign(view)
  renderActions(view, policy)
}

$("stale-reload").addEventListener("click", () => state.selected && openCase(state.selected.case.trackingNumber))

// --- assignment ---------------------------------------------------------------------------------------------------

const ACTIVE = ["open", "awaitingRequester", "onHold", "inMediation"]
const ANSWERED = ["resolved", "explained"]

const renderAssign = (view) => {
  const c = view.case
  const can = ACTIVE.includes(c.status)
  $("assign-box").hidden = !can
  if (!can) return
  $("assign-me").disabled = c.assignee?.id === state.me.id
  $("assign-me").textContent = c.assignee?.id === state.me.id ? "Assigned to you" : "Assign to me"
  const select = $("assign-to")
  select.replaceChildren(
    ...state.people
      .filter((p) => p.role !== "administrator")
      .map((p) =>
        el(
          "option",
          { value: `${p.role}:${p.id}` },
          `${p.name}${p.role === "accountManager" ? " (account manager)" : ""}`
        )
      )
  )
  if (c.assignee?.id) select.value = `${c.assignee.role}:${c.assignee.id}`
}

const assign = async (role, id) => {
  const c = state.selected?.case
  if (!c) return
  actionError.hidden = true
  actionOk.hidden = true
  state.busy = true
  try {
    const view = await api("POST", `/v1/cases/${encodeURIComponent(c.trackingNumber)}/actions/assign`, {
      to: { role, id, ...(c.assignee?.queue ? { queue: c.assignee.queue } : {}) }
    })
    await show(view)
    actionOk.textContent = `Assigned to ${SP.personName(id, state.names)}.`
    actionOk.hidden = false
    loadList()
    loadCounts()
  } catch (error) {
    showError(actionError, error)
  } finally {
    state.busy = false
  }
}

$("assign-me").addEventListener("click", () =>
  assign(state.me.role === "accountManager" ? "accountManager" : "agent", state.me.id)
)
$("assign-apply").addEventListener("click", () => {
  const [role, id] = $("assign-to").value.split(":")
  if (id) assign(role, id)
})

// --- actions ------------------------------------------------------------------------------------------------------

const body = (label = "Message to the requester") => ({ name: "body", label, kind: "textarea", required: true })
const reason = (label = "Reason (optional)") => ({ name: "reason", label, kind: "input" })

/** The actions of the console: API path, allowed states, fields (mirrors CaseLifecycle.allowedIn). */
const ACTIONS = [
  { id: "reply", label: "Reply", path: "reply", states: ACTIVE, fields: [body()] },
  {
    id: "note",
    label: "Internal note",
    path: "notes",
    internal: true,
    states: [...ACTIVE, ...ANSWERED, "refused", "closed"],
    fields: [body("Note for the team")]
  },
  {
    id: "progress-update",
    label: "Progress update",
    path: "progress-update",
    states: ACTIVE,
    fields: [body("Progress update")]
  },
  {
    id: "request-information",
    label: "Ask for information",
    path: "request-information",
    states: ["open"],
    fields: [body("What do you need from the requester?")]
  },
  {
    id: "resolve",
    label: "Resolve",
    path: "resolve",
    states: ["open", "awaitingRequester"],
    fields: [body("Resolution")]
  },
  {
    id: "explain",
    label: "Explain",
    path: "explain",
    states: ["open", "awaitingRequester"],
    fields: [body("Explanation"), reason()]
  },
  {
    id: "refuse",
    label: "Refuse",
    path: "refuse",
    states: ACTIVE,
    fields: [
      {
        name: "reason",
        label: "Reason (clause 7.3)",
        kind: "select",
        options: (p) => p.refusal.reasons.map((r) => [r.code, `${r.code} — ${r.description}`]),
        required: true
      },
      { name: "body", label: "Message to the requester (optional)", kind: "textarea" }
    ]
  },
  {
    id: "priority",
    label: "Priority",
    path: "priority",
    states: ACTIVE,
    fields: [
      {
        name: "priority",
        label: "New priority",
        kind: "select",
        options: (p) => p.priorities.map((x) => [x.id, x.name]),
        required: true
      },
      reason()
    ]
  },
  {
    id: "escalate",
    label: "Escalate",
    path: "escalate",
    states: ACTIVE,
    when: (c) => c.requester.accountManagerId !== undefined,
    fields: [reason()]
  },
  {
    id: "hold",
    label: "Hold for verification",
    path: "verification/hold",
    states: ["open", "awaitingRequester", "inMediation"],
    when: (c, p) => p.verification?.categories.includes(c.category),
    fields: [reason()]
  },
  {
    id: "conclude",
    label: "Conclude verification",
    path: "verification/conclude",
    states: ["onHold"],
    fields: [
      {
        name: "outcome",
        label: "Outcome",
        kind: "select",
        options: () => [
          ["verified", "Verified"],
          ["rejected", "Rejected"]
        ],
        required: true
      },
      { name: "note", label: "Internal note (optional)", kind: "input" },
      { name: "explanation", label: "Explanation to the requester (required when rejected)", kind: "textarea" }
    ]
  },
  {
    id: "close",
    label: "Close",
    path: "close",
    states: ["awaitingRequester", ...ANSWERED, "refused"],
    fields: [reason()]
  },
  {
    id: "reopen",
    label: "Reopen",
    path: "reopen",
    states: [...ANSWERED, "refused"],
    when: () => state.me.role === "administrator",
    fields: [reason()]
  }
]

const renderActions = (view, policy) => {
  const c = view.case
  const available = ACTIONS.filter((a) => a.states.includes(c.status) && (a.when === undefined || a.when(c, policy)))
  actionsBox.hidden = available.length === 0
  if (available.length === 0) {
    actionForm.hidden = true
    $("action-tabs").hidden = true
    return
  }
  actionForm.hidden = false
  $("action-tabs").hidden = false
  if (!available.some((a) => a.id === currentAction?.id)) currentAction = available[0]
  const tabs = $("action-tabs")
  tabs.replaceChildren(
    tabs.querySelector("legend"),
    ...available.map((a) =>
      el(
        "button",
        {
          type: "button",
          class: a.internal ? "internal" : undefined,
          "aria-pressed": String(a.id === currentAction.id),
          dataset: { action: a.id },
          onclick: () => {
            currentAction = a
            actionError.hidden = true
            actionOk.hidden = true
            renderActions(state.selected, policy)
          }
        },
        a.label
      )
    )
  )
  actionForm.classList.toggle("internal", currentAction.internal === true)
  $("internal-mark").hidden = currentAction.internal !== true
  actionFields.replaceChildren(
    ...currentAction.fields.map((f) => {
      const control =
        f.kind === "textarea"
          ? el("textarea", { name: f.name, rows: 3, required: f.required })
          : f.kind === "select"
            ? el(
                "select",
                { name: f.name, required: f.required },
                f.options(policy).map(([value, label]) => el("option", { value }, label))
              )
            : el("input", { name: f.name, autocomplete: "off" })
      return el("label", {}, f.label, control)
    })
  )
  $("action-submit").textContent = currentAction.internal
    ? "Add internal note"
    : currentAction.id === "reply"
      ? "Send reply"
      : currentAction.label
}

actionForm.addEventListener("submit", async (event) => {
  event.preventDefault()
  if (state.selected === null || currentAction === null) return
  actionError.hidden = true
  actionOk.hidden = true
  const data = new FormData(actionForm)
  const payload = {}
  for (const f of currentAction.fields) {
    const value = String(data.get(f.name) ?? "").trim()
    if (value !== "") payload[f.name] = value
    else if (f.required) return showError(actionError, `Please fill in: ${f.label.toLowerCase()}.`)
  }
  const button = $("action-submit")
  button.disabled = true
  state.busy = true
  const tracking = state.selected.case.trackingNumber
  try {
    const view = await api("POST", `/v1/cases/${encodeURIComponent(tracking)}/actions/${currentAction.path}`, payload)
    const done = currentAction.label
    actionForm.reset()
    await show(view)
    actionOk.textContent = `${done}: done. The case is now ${(SP.STATUS_STAFF[view.case.status] ?? view.case.status).toLowerCase()}.`
    actionOk.hidden = false
    loadList()
    loadCounts()
  } catch (error) {
    showError(actionError, error)
  } finally {
    button.disabled = false
    state.busy = false
  }
})

// --- live updates -------------------------------------------------------------------------------------------------

let stream = null
let refreshTimer = null

/** Refreshes the list and the counts once a burst of changes has passed. */
const refreshSoon = () => {
  clearTimeout(refreshTimer)
  refreshTimer = setTimeout(() => {
    if (document.body.dataset.screen === "cases") {
      loadList()
      loadCounts()
    }
  }, 400)
}

const onChange = (change) => {
  if (change.type !== "changed") return
  refreshSoon()
  const shown = state.selected?.case
  if (shown && change.caseId === shown.id && change.sequence > shown.sequence && !state.busy) {
    $("stale-text").textContent = `Someone else changed this case since you opened it (now ${
      SP.STATUS_STAFF[change.status] ?? change.status
    }).`
    $("stale").hidden = false
  }
}

/** Follows GET /v1/desk/changes (server-sent events, read with fetch so the bearer token can be sent). */
const follow = async () => {
  stream?.abort()
  const controller = new AbortController()
  stream = controller
  for (let attempt = 0; !controller.signal.aborted; attempt++) {
    try {
      const response = await fetch("/v1/desk/changes", {
        headers: { authorization: `Bearer ${SP.currentToken()}`, accept: "text/event-stream" },
        signal: controller.signal
      })
      if (!response.ok) return
      document.body.dataset.live = "true"
      const parser = createParser({ onEvent: (event) => onChange(JSON.parse(event.data)) })
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        parser.feed(value)
      }
    } catch {
      if (controller.signal.aborted) return
    }
    document.body.dataset.live = "false"
    await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** attempt)))
  }
}

// --- start --------------------------------------------------------------------------------------------------------

let firstLoad = true

// the SLA alerts (alerts.js): a count and a list in the header, each linking to its case
const alerts = Alerts.mount($("header-alerts"), {
  onOpen: (trackingNumber) => {
    showScreen("cases")
    openCase(trackingNumber)
  }
})

const start = async () => {
  const policy = await SP.policy()
  filters.priority.append(...policy.priorities.map((p) => el("option", { value: p.id }, p.name)))
  filters.category.append(...policy.categories.map((c) => el("option", { value: c.id }, c.name)))
  await SP.setupIdentity($("identity"), "staff", async (identity) => {
    state.me = identity
    state.selected = null
    caseView.hidden = true
    actionsBox.hidden = true
    $("assign-box").hidden = true
    $("stale").hidden = true
    $("case-empty").hidden = false
    $("case-empty").textContent = "Pick a case in the list."
    try {
      state.people = (await api("GET", "/v1/desk/people")).items
    } catch {
      state.people = []
    }
    for (const p of state.people) state.names[p.id] = p.name
    const queues = [...new Set(state.people.flatMap((p) => p.queues ?? []))]
    filters.queue.replaceChildren(
      el("option", { value: "" }, "any"),
      ...queues.map((q) => el("option", { value: q }, q))
    )
    state.view = identity.role === "accountManager" ? "active" : state.view
    await Promise.all([loadList(), loadCounts(), alerts.refresh()])
    follow()
    if (firstLoad) {
      firstLoad = false
      route()
    } else showScreen(document.body.dataset.screen ?? "cases")
  })
  setInterval(alerts.refresh, 15_000)
  document.body.dataset.ready = "true"
}
start().catch((error) => showError($("console-error"), error))
