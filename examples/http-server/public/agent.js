// The agent console: the queue with SLA badges, a case with its record and clocks, and the actions on it. Calls the
// /v1 API.
import * as Alerts from "./alerts.js"
import * as SP from "./common.js"

const { el, api, when, whenZoned, nameOf, showError, duration } = SP
const $ = (id) => document.getElementById(id)

const filters = $("filters")
const queueBody = $("queue").querySelector("tbody")
const queueError = $("queue-error")
const caseView = $("case-view")
const actionsBox = $("actions")
const actionForm = $("action-form")
const actionFields = $("action-fields")
const actionError = $("action-error")
const actionOk = $("action-ok")
let me = null
let selected = null // the CaseView shown
let currentAction = null

// --- the queue --------------------------------------------------------------------------------------------------

const queueQuery = () => {
  const data = new FormData(filters)
  const params = new URLSearchParams({ limit: "100" })
  const show = data.get("show")
  if (show === "breached") params.set("breached", "true")
  if (show === "dueSoon") params.set("dueSoon", "true")
  if (data.get("priority")) params.append("priority", data.get("priority"))
  if (data.get("category")) params.append("category", data.get("category"))
  return params
}

const loadQueue = async () => {
  queueError.hidden = true
  let queue
  try {
    queue = await api("GET", `/v1/desk/queue?${queueQuery()}`)
  } catch (error) {
    queueBody.replaceChildren()
    $("counts").textContent = ""
    showError(queueError, error)
    return
  }
  const policy = await SP.policy()
  const count = (badge) => queue.items.filter((i) => i.badge === badge).length
  $("counts").textContent = `${queue.items.length} cases · ${count("breached")} breached · ${count("dueSoon")} due soon`
  if (queue.items.length === 0) {
    queueBody.replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "empty" }, "Nothing here. Well done!")))
    return
  }
  queueBody.replaceChildren(
    ...queue.items.map((item) => {
      const c = item.case
      const [cls, label] = SP.QUEUE_BADGE[item.badge] ?? ["neutral", item.badge]
      const left =
        item.businessMsLeft < 0
          ? `overdue by ${duration(item.businessMsLeft)}`
          : `${duration(item.businessMsLeft)} left`
      return el(
        "tr",
        {
          class: `row ${cls}${selected?.case.trackingNumber === c.trackingNumber ? " selected" : ""}`,
          dataset: { tracking: c.trackingNumber, badge: item.badge },
          tabindex: 0,
          onclick: () => openCase(c.trackingNumber),
          onkeydown: (e) => e.key === "Enter" && openCase(c.trackingNumber)
        },
        el("td", {}, el("span", { class: `badge ${cls}` }, label)),
        el(
          "td",
          {},
          el("div", { class: "mono" }, c.trackingNumber),
          el("div", {}, c.subject),
          el(
            "div",
            { class: "hint clip", title: nameOf(policy.categories, c.category) },
            nameOf(policy.categories, c.category)
          )
        ),
        el(
          "td",
          {},
          el(
            "span",
            { class: `badge ${c.priority === "high" ? "high" : "neutral"}` },
            nameOf(policy.priorities, c.priority)
          )
        ),
        el("td", {}, SP.assigneeText(c.assignee)),
        el("td", { class: "due" }, el("div", {}, when(item.dueAt)), el("div", { class: "hint" }, left))
      )
    })
  )
}

filters.addEventListener("change", loadQueue)
$("refresh").addEventListener("click", loadQueue)

$("open-form").addEventListener("submit", (event) => {
  event.preventDefault()
  const value = event.target.trackingNumber.value.trim()
  if (value !== "") openCase(value)
})

// --- a case -----------------------------------------------------------------------------------------------------

const openCase = async (trackingNumber) => {
  actionError.hidden = true
  actionOk.hidden = true
  try {
    show(await api("GET", `/v1/cases/${encodeURIComponent(trackingNumber)}`))
    history.replaceState(null, "", `#${trackingNumber}`)
  } catch (error) {
    selected = null
    caseView.hidden = true
    actionsBox.hidden = true
    $("case-empty").hidden = false
    $("case-empty").textContent = error.status === 404 ? `No case ${trackingNumber} is visible to you.` : error.message
  }
}

const show = async (view) => {
  const policy = await SP.policy()
  selected = view
  const c = view.case
  for (const row of queueBody.querySelectorAll("tr.row")) {
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
        {},
        `${c.requester.name ?? c.requester.id} (${c.requester.audience}${c.requester.accountManagerId ? `, account manager ${c.requester.accountManagerId}` : ""})`
      ),
      el("dt", {}, "Topic"),
      el("dd", {}, `${nameOf(policy.categories, c.category)}`),
      el("dt", {}, "Priority"),
      el("dd", {}, nameOf(policy.priorities, c.priority)),
      el("dt", {}, "Channel"),
      el("dd", {}, nameOf(policy.channels, c.channel)),
      el("dt", {}, "Assigned"),
      el("dd", {}, SP.assigneeText(c.assignee)),
      el("dt", {}, "Received"),
      el("dd", {}, whenZoned(c.openedAt)),
      c.orderReference ? [el("dt", {}, "Order"), el("dd", {}, c.orderReference)] : null
    ),
    el("h3", {}, "SLA clocks"),
    SP.clocksTable(view),
    el("h3", { style: "margin-top: 1rem" }, "Handling record"),
    SP.recordList(view, policy, false)
  )
  caseView.hidden = false
  caseView.dataset.tracking = c.trackingNumber
  renderActions(view, policy)
}

// --- actions ----------------------------------------------------------------------------------------------------

const ACTIVE = ["open", "awaitingRequester", "onHold", "inMediation"]
const ANSWERED = ["resolved", "explained"]

const body = (label = "Message to the requester") => ({ name: "body", label, kind: "textarea", required: true })
const reason = (label = "Reason (optional)") => ({ name: "reason", label, kind: "input" })

/** The actions of the console: API path, allowed states, fields (mirrors CaseLifecycle.allowedIn). */
const ACTIONS = [
  { id: "reply", label: "Reply", path: "reply", states: ACTIVE, fields: [body()] },
  {
    id: "progress-update",
    label: "Progress update",
    path: "progress-update",
    states: ACTIVE,
    fields: [body("Progress update")]
  },
  {
    id: "request-information",
    label: "Request information",
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
    label: "Escalate to account manager",
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
    id: "note",
    label: "Internal note",
    path: "notes",
    states: [...ACTIVE, ...ANSWERED, "refused", "closed"],
    fields: [body("Note (staff only)")]
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
    when: () => me.role === "administrator",
    fields: [reason()]
  }
]

const renderActions = (view, policy) => {
  const c = view.case
  const available = ACTIONS.filter((a) => a.states.includes(c.status) && (a.when === undefined || a.when(c, policy)))
  actionsBox.hidden = available.length === 0
  if (available.length === 0) return
  if (!available.some((a) => a.id === currentAction?.id)) currentAction = available[0]
  const tabs = $("action-tabs")
  tabs.replaceChildren(
    tabs.querySelector("legend"),
    ...available.map((a) =>
      el(
        "button",
        {
          type: "button",
          "aria-pressed": String(a.id === currentAction.id),
          dataset: { action: a.id },
          onclick: () => {
            currentAction = a
            actionError.hidden = true
            actionOk.hidden = true
            renderActions(selected, policy)
          }
        },
        a.label
      )
    )
  )
  actionFields.replaceChildren(
    ...currentAction.fields.map((f) => {
      const control =
        f.kind === "textarea"
          ? el("textarea", { name: f.name, rows: 4, required: f.required })
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
  $("action-submit").textContent = currentAction.label
}

actionForm.addEventListener("submit", async (event) => {
  event.preventDefault()
  if (selected === null || currentAction === null) return
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
  const tracking = selected.case.trackingNumber
  try {
    const view = await api("POST", `/v1/cases/${encodeURIComponent(tracking)}/actions/${currentAction.path}`, payload)
    const done = currentAction.label
    actionForm.reset()
    await show(view)
    actionOk.textContent = `${done}: done. The case is now ${(SP.STATUS_STAFF[view.case.status] ?? view.case.status).toLowerCase()}.`
    actionOk.hidden = false
    loadQueue()
  } catch (error) {
    showError(actionError, error)
  } finally {
    button.disabled = false
  }
})

// --- start --------------------------------------------------------------------------------------------------------

let firstLoad = true

// the SLA alerts (alerts.js): a count and a list in the header, each linking to its case
const alertsHost = el("div", { id: "alerts" })
document.querySelector("header.top .who")?.before(alertsHost)
const alerts = Alerts.mount(alertsHost, { onOpen: (trackingNumber) => openCase(trackingNumber) })

const start = async () => {
  const policy = await SP.policy()
  filters.priority.append(...policy.priorities.map((p) => el("option", { value: p.id }, p.name)))
  filters.category.append(...policy.categories.map((c) => el("option", { value: c.id }, c.name)))
  await SP.setupIdentity($("identity"), "staff", async (identity) => {
    me = identity
    selected = null
    caseView.hidden = true
    actionsBox.hidden = true
    $("case-empty").hidden = false
    $("case-empty").textContent = "Pick a case in the queue."
    await Promise.all([loadQueue(), alerts.refresh()])
    // a link to a case (#GS-…) opens it on arrival; switching identity starts afresh
    const hash = firstLoad ? decodeURIComponent(location.hash.slice(1)) : ""
    firstLoad = false
    if (hash !== "") await openCase(hash)
    else history.replaceState(null, "", location.pathname)
  })
  setInterval(loadQueue, 30_000)
  setInterval(alerts.refresh, 15_000)
  document.body.dataset.ready = "true"
}
start().catch((error) => showError(queueError, error))
