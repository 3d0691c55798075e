// The policy's promises, clause by clause, from GET /v1/policy: what the requester page's small clause links point to.
import * as SP from "./common.js"

const { el } = SP

const start = async () => {
  const policy = await SP.policy()
  document.getElementById("policy-source").textContent = `${policy.name} (version ${policy.version}).`
  const target = (t) =>
    t.businessDays
      ? `${t.businessDays} business day(s)`
      : t.businessHours
        ? `${t.businessHours} business hour(s)`
        : `${t.businessMinutes} business minute(s)`
  const clauses = [...new Set(policy.sla.map((r) => r.clause))]
  const rules = clauses.map((clause) =>
    el(
      "section",
      { class: "card", id: `clause-${clause}` },
      el("h2", {}, `Clause ${clause}`),
      policy.sla
        .filter((r) => r.clause === clause)
        .map((r) => [
          el("p", {}, r.description ?? r.id),
          el(
            "p",
            { class: "hint" },
            `Target: ${target(r.target)}${r.appliesTo?.priorities ? ` · ${r.appliesTo.priorities.join(", ")} priority` : ""}`
          )
        ])
    )
  )
  const others = [
    [
      "clause-6.4",
      policy.tracking.clause,
      "Every request gets a tracking number and a handling record you can follow."
    ],
    ["clause-7.3", policy.refusal.clause, "Abusive or harassing requests may be refused."]
  ]
    .filter(([id]) => !rules.some((r) => r.id === id))
    .map(([id, clause, text]) =>
      el("section", { class: "card", id }, el("h2", {}, `Clause ${clause}`), el("p", {}, text))
    )
  document.getElementById("policy").replaceChildren(...rules, ...others)
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView()
  document.body.dataset.ready = "true"
}
start()
