// The satisfaction rating of a case, for the requester page (clause 7.4): the policy's question with one radio button
// per point of its scale and, when the policy takes one, a comment; or the rating already given. A small piece the
// requester page places under the case (it calls POST /v1/cases/{trackingNumber}/satisfaction), and the rating page
// of the mail's signed link shows alone (it sends the rating with the link's token: rate.js).
import { api, el, showError, whenZoned } from "./common.js"
import { t } from "./i18n.js"

/**
 * The rating part of a case view (`view` as GET /v1/cases/{trackingNumber} answers it): a form while the requester may
 * rate, a thank-you once they did, nothing otherwise. `onRated(view)` gets what `send(body)` answers (by default the
 * signed-in requester's POST, which answers the case as it is after the rating).
 */
export const satisfactionPart = (
  view,
  onRated,
  send = (body) => api("POST", `/v1/cases/${encodeURIComponent(view.case.trackingNumber)}/satisfaction`, body)
) => {
  const s = view.satisfaction
  if (s === null || s === undefined) return null
  if (s.rating !== null) {
    return el(
      "p",
      { class: "satisfaction rated", dataset: { rating: String(s.rating.rating) } },
      t("rate.thanks", { rating: s.rating.rating, max: s.scale.max })
    )
  }
  if (s.openUntil === null || view.asOf > s.openUntil) return null

  const error = el("p", { class: "error", role: "alert", hidden: true })
  const points = []
  for (let n = s.scale.min; n <= s.scale.max; n++) points.push(n)
  const comment = s.comment === "optional" ? el("textarea", { name: "comment", rows: 2, maxlength: 2000 }) : null
  const form = el(
    "form",
    { class: "satisfaction", novalidate: true },
    el(
      "fieldset",
      {},
      el("legend", {}, s.question),
      el(
        "div",
        { class: "scale" },
        points.map((n) =>
          el("label", {}, el("input", { type: "radio", name: "rating", value: String(n), required: true }), String(n))
        )
      ),
      el("p", { class: "hint" }, t("rate.hint", { min: s.scale.min, max: s.scale.max, when: whenZoned(s.openUntil) })),
      comment === null ? null : el("label", {}, t("rate.comment"), comment)
    ),
    el("button", { type: "submit" }, t("rate.send")),
    error
  )
  form.addEventListener("submit", async (event) => {
    event.preventDefault()
    error.hidden = true
    const chosen = form.querySelector("input[name=rating]:checked")
    if (chosen === null) return showError(error, t("rate.choose"))
    const body = { rating: Number(chosen.value) }
    if (comment !== null && comment.value.trim() !== "") body.comment = comment.value.trim()
    try {
      onRated(await send(body))
    } catch (err) {
      showError(error, err)
    }
  })
  return form
}
