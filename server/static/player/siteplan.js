// The rally's site plan (a museum floor plan, a park map) with a pin per placed station:
// indoors, where GPS fails, this is how a team finds the next room. Pins show locked, open
// and done, link to their station, and are listed below the picture for screen readers.

import { contentAttrs, t } from "./i18n.js";
import { h } from "./views.js";

export function hasSitePlan(bundle) {
  return Boolean(bundle.rally.site_plan) && bundle.stations.some((station) => station.plan);
}

const STATE_KEY = { done: "plan.state_done", locked: "plan.state_locked", unlocked: "plan.state_open",
  checking: "plan.state_open" };

export function sitePlanPanel(bundle, rows) {
  const plan = bundle.rally.site_plan;
  const placed = rows.filter((row) => row.station.plan);
  const pins = placed.map((row) => {
    const number = row.station.position + 1;
    const label = t("plan.pin", { number, title: row.station.title, state: t(STATE_KEY[row.state] || "plan.state_open") });
    return h("a", {
      class: `plan-pin state-${row.state}`, href: `#/station/${row.station.id}`, "aria-label": label, title: label,
      style: `left:${row.station.plan.x * 100}%;top:${row.station.plan.y * 100}%`,
    }, row.state === "done" ? "✓" : String(number));
  });
  return h("section", { class: "site-plan" },
    h("div", { class: "plan-frame" }, h("img", { src: plan.url, alt: plan.alt || "" }), pins),
    h("ul", { class: "plan-legend" },
      placed.map((row) => h("li", { class: `state-${row.state}` },
        h("a", { href: `#/station/${row.station.id}`, ...contentAttrs() }, `${row.station.position + 1}. ${row.station.title}`),
        " – ", t(STATE_KEY[row.state] || "plan.state_open")))));
}
