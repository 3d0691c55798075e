// The requester page: announcements, live chat hours, submitting a request and tracking one. Calls the /v1 API.
import * as SP from "./common.js"

const { el, api, whenZoned, nameOf, showError } = SP
const $ = (id) => document.getElementById(id)

const form = $("submit-form")
const submitError = $("submit-error")
const trackForm = $("track-form")
const trackError = $("track-error")
const caseView = $("case-view")
let me = null
let idempotencyKey = null

// --- announcements and live chat -------------------------------------------------------------------------------

const loadAnnouncements = async () => {
  const { items } = await api("GET", "/v1/announcements")
  $("announcements").replaceChildren(
    ...items.map((a) => el("div", { class: "announcement" }, el("strong", {}, a.title), a.body))
  )
}

const loadChannels = async () => {
  const status = await api("GET", "/v1/channels")
  const chat = status.channels.find((c) => c.id === "live-chat")
  const line = $("chat-status")
  if (chat === undefined) {
    line.hidden = true
    return status
  }
  const text = chat.openNow
    ? `Live chat is open now${chat.nextClosing ? `, until ${whenZoned(chat.nextClosing)}` : ""}.`
    : `Live chat is closed now. It opens ${whenZoned(chat.nextOpening)}; you can still send a request below.`
  const policy = await SP.policy()
  const hours = el("span", { class: "hint" }, `Service hours: ${serviceHours(policy.calendar.spec)}.`)
  line.replaceChildren(el("span", { class: `dot ${chat.openNow ? "open" : "closed"}` }), el("span", {}, text), hours)
  line.dataset.open = String(chat.openNow)
  return status
}

const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
const SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

/** "Mon–Fri 09:00–18:00 (UTC+08:00), closed on public holidays", from the policy's calendar. */
const serviceHours = (spec) => {
  const hoursOf = (day) => (spec.week[day] ?? []).map(([from, to]) => `${from}–${to}`).join(", ")
  const groups = []
  DAYS.forEach((day, i) => {
    const hours = hoursOf(day)
    if (hours === "") return
    const last = groups.at(-1)
    if (last !== undefined && last.hours === hours && last.to === i - 1) last.to = i
    else groups.push({ from: i, to: i, hours })
  })
  const days = groups.map((g) => `${SHORT[g.from]}${g.to > g.from ? `–${SHORT[g.to]}` : ""} ${g.hours}`).join("; ")
  const zone = /^[+-]\d\d:\d\d$/.test(spec.timeZone) ? `UTC${spec.timeZone}` : spec.timeZone
  return `${days} (${zone})${(spec.holidays ?? []).length > 0 ? ", closed on public holidays" : ""}`
}

// --- the form ---------------------------------------------------------------------------------------------------

let channelStatus = null

const fillForm = async () => {
  const policy = await SP.policy()
  const categories = policy.categories.filter((c) => c.audiences.includes(me.audience))
  form.category.replaceChildren(
    el("option", { value: "" }, "Choose a topic…"),
    ...categories.map((c) => el("option", { value: c.id }, c.name))
  )
  const channels = policy.channels.filter(
    (c) =>
      c.opensCase &&
      (c.audiences === undefined || c.audiences.includes(me.audience)) &&
      (c.requesterFlags === undefined || c.requesterFlags.every((f) => me.flags.includes(f)))
  )
  form.channel.replaceChildren(
    ...channels.map((c) => {
      const live = channelStatus?.channels.find((s) => s.id === c.id)
      const closed = live !== undefined && !live.openNow
      return el("option", { value: c.id }, `${c.name}${closed ? " (closed now — taken as an online form)" : ""}`)
    })
  )
  form.channel.value = channels.some((c) => c.id === "online-form") ? "online-form" : channels[0]?.id
}

form.addEventListener("input", () => {
  idempotencyKey ??= crypto.randomUUID()
})

form.addEventListener("submit", async (event) => {
  event.preventDefault()
  submitError.hidden = true
  const data = new FormData(form)
  const missing = ["category", "subject", "description"].filter((k) => String(data.get(k) ?? "").trim() === "")
  if (missing.length > 0) {
    showError(submitError, `Please fill in: ${missing.map((m) => (m === "category" ? "topic" : m)).join(", ")}.`)
    return
  }
  const body = {
    category: data.get("category"),
    channel: data.get("channel"),
    subject: String(data.get("subject")).trim(),
    description: String(data.get("description")).trim(),
    timeZone: SP.localZone
  }
  const order = String(data.get("orderReference") ?? "").trim()
  if (order !== "") body.orderReference = order
  const button = form.querySelector("button[type=submit]")
  button.disabled = true
  try {
    idempotencyKey ??= crypto.randomUUID()
    const result = await api("POST", "/v1/cases", body, { "idempotency-key": idempotencyKey })
    idempotencyKey = null
    showSubmitted(result)
    form.reset()
    await fillForm()
    await loadMyCases()
    showCase(result.view)
    trackForm.trackingNumber.value = result.trackingNumber
  } catch (error) {
    showError(submitError, error)
  } finally {
    button.disabled = false
  }
})

const showSubmitted = (result) => {
  form.hidden = true
  $("submitted").hidden = false
  $("submitted-tracking").textContent = result.trackingNumber
  $("submitted-reply-by").firstElementChild.textContent =
    result.replyBy === null ? "We will get back to you." : result.replyBy.text
  $("submitted-message").textContent = result.message
}

$("submit-another").addEventListener("click", () => {
  $("submitted").hidden = true
  form.hidden = false
  form.subject.focus()
})

// --- tracking ---------------------------------------------------------------------------------------------------

const loadMyCases = async () => {
  const { items } = await api("GET", "/v1/cases?limit=20")
  const box = $("my-cases")
  if (items.length === 0) {
    box.replaceChildren(el("p", { class: "hint" }, "You have no requests yet."))
    return
  }
  box.replaceChildren(
    el("h3", { class: "spaced" }, "Your requests"),
    el(
      "table",
      { id: "my-cases-table" },
      el(
        "tbody",
        {},
        items.map((c) =>
          el(
            "tr",
            { class: "row", dataset: { tracking: c.trackingNumber }, onclick: () => track(c.trackingNumber) },
            el("td", { class: "mono" }, c.trackingNumber),
            el("td", {}, c.subject),
            el(
              "td",
              {},
              el("span", { class: "badge neutral", dataset: { status: c.status } }, SP.STATUS[c.status] ?? c.status)
            )
          )
        )
      )
    )
  )
}

const track = async (trackingNumber) => {
  trackError.hidden = true
  trackForm.trackingNumber.value = trackingNumber
  try {
    showCase(await api("GET", `/v1/cases/${encodeURIComponent(trackingNumber)}`))
    history.replaceState(null, "", `#${trackingNumber}`)
  } catch (error) {
    caseView.hidden = true
    if (error.status === 404)
      showError(trackError, `No request ${trackingNumber} is visible to ${me.label.split(" — ")[0]}.`)
    else showError(trackError, error)
  }
}

trackForm.addEventListener("submit", (event) => {
  event.preventDefault()
  const value = trackForm.trackingNumber.value.trim()
  if (value !== "") track(value)
})

const showCase = async (view) => {
  const policy = await SP.policy()
  const c = view.case
  const parts = [
    el("h3", { id: "case-subject", class: "case-title" }, c.subject),
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, "Tracking number"),
      el("dd", { class: "mono", id: "case-tracking" }, c.trackingNumber),
      el("dt", {}, "Status"),
      el("dd", { id: "case-status", dataset: { status: c.status } }, SP.STATUS[c.status] ?? c.status),
      el("dt", {}, "Topic"),
      el("dd", {}, nameOf(policy.categories, c.category)),
      el("dt", {}, "Priority"),
      el("dd", {}, nameOf(policy.priorities, c.priority)),
      el("dt", {}, "Received"),
      el("dd", {}, whenZoned(c.openedAt)),
      view.reopenableUntil === null
        ? null
        : [el("dt", {}, "Reopen until"), el("dd", {}, whenZoned(view.reopenableUntil))]
    ),
    el("h3", {}, "Our promises"),
    SP.clocksTable(view),
    el("h3", { class: "spaced" }, "What happened so far"),
    SP.recordList(view, policy, true)
  ]
  if (c.status === "awaitingRequester" || c.status === "open") {
    parts.push(messageForm(c, c.status === "awaitingRequester" ? "Answer our question" : "Add information", "messages"))
  }
  if (view.reopenableUntil !== null && view.reopenableUntil > view.asOf) {
    parts.push(messageForm(c, "Not solved? Reopen the request", "actions/reopen", "reason"))
  }
  caseView.replaceChildren(...parts)
  caseView.hidden = false
  caseView.dataset.tracking = c.trackingNumber
}

const messageForm = (c, title, path, field = "body") => {
  const error = el("p", { class: "error", role: "alert", hidden: true })
  const text = el("textarea", { name: field, rows: 3, required: true, "aria-label": title })
  const f = el(
    "form",
    { class: "reply", dataset: { path } },
    el("label", {}, title, text),
    el("button", { type: "submit" }, path === "messages" ? "Send" : "Reopen"),
    error
  )
  f.addEventListener("submit", async (event) => {
    event.preventDefault()
    error.hidden = true
    if (text.value.trim() === "") return showError(error, "Please write something first.")
    try {
      const view = await api("POST", `/v1/cases/${encodeURIComponent(c.trackingNumber)}/${path}`, {
        [field]: text.value.trim()
      })
      showCase(view)
      loadMyCases()
    } catch (err) {
      showError(error, err)
    }
  })
  return f
}

// --- start --------------------------------------------------------------------------------------------------------

let firstLoad = true

const start = async () => {
  await Promise.all([
    loadAnnouncements().catch(() => {}),
    loadChannels()
      .then((s) => (channelStatus = s))
      .catch(() => {})
  ])
  await SP.setupIdentity($("identity"), "requester", async (identity) => {
    me = identity
    caseView.hidden = true
    trackError.hidden = true
    await fillForm()
    await loadMyCases()
    // a link to a case (#GS-…) opens it on arrival; switching identity starts afresh
    const hash = firstLoad ? decodeURIComponent(location.hash.slice(1)) : ""
    firstLoad = false
    if (hash !== "") track(hash)
    else history.replaceState(null, "", location.pathname)
  })
  document.body.dataset.ready = "true"
}
start().catch((error) => showError(submitError, error))
