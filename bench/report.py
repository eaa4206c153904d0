"""The printed table: load figures, ratios and static figures beside their targets."""

from __future__ import annotations

import math
import re

SYSTEMS = (("ours", "our server"), ("ours_classes", "our server, teams in 30 classes"),
           ("ours_live", "our server, teams in 30 classes, 30 live pages open (each teacher watching her class)"),
           ("ours_paced", "our server, paced"), ("floor", "floor (bench/floor_app.py)"),
           ("ctfd", "CTFd 3.8.7"))


def _fmt(value, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _cpu(pair) -> str:
    if not pair:
        return "–"
    server, database = pair
    return f"{_fmt(server, 2)} + {_fmt(database, 2)}"


def _mark(ok) -> str:
    return "–" if ok is None else ("✓" if ok else "✗")


def _find_seconds(figures: dict, *hints: str):
    """A timing in a colleague's figures dict: the first numeric key that mentions a hint and seconds."""
    if not isinstance(figures, dict):
        return None, None
    for key, value in figures.items():
        lowered = key.lower()
        if isinstance(value, (int, float)) and not isinstance(value, bool) and any(h in lowered for h in hints) \
                and (lowered.endswith("_s") or "second" in lowered or lowered.endswith("seconds")):
            return key, float(value)
    for key, value in figures.items():
        lowered = key.lower()
        if isinstance(value, (int, float)) and not isinstance(value, bool) and \
                (lowered.endswith("_s") or "second" in lowered):
            return key, float(value)
    return None, None


def render(results: dict, worker_config, workers: int, targets: dict, seconds: float, max_requests: int) -> str:
    load, checks = results["load"], results["checks"]
    kind, threads = worker_config
    config = f"{workers} gunicorn workers, {kind}" + (f" × {threads} threads" if kind == "gthread" else "")
    lines = [
        "## Answer submission under load",
        "",
        f"Our server and the floor: {config}; PostgreSQL 15 (fsync on) on the same machine; phases of "
        f"{seconds:.0f} s or {max_requests:,} requests. One request of ours or the floor's carries a batch of "
        "5–10 answers (15 % of batches are replays that must come back `duplicate`); one CTFd request is one "
        "flag submission. Ours and the floor are driven by wrk (bench/answers.lua: one connection per team at "
        "a time, so the requests in flight belong to different teams); CTFd by bench/load.py. Latency is per "
        "request; in the paced phase it counts from the time the request was due. CPU ms per answer are "
        "read from /proc: the server's processes, and PostgreSQL's.",
        "",
        "| system | teams | requests/s | answers/s | p50 ms | p95 ms | p99 ms | CPU ms/answer server + DB | errors "
        "| lost / doubled |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    cpu = results.get("cpu", {})
    for key, name in SYSTEMS:
        for (system, concurrency), stats in sorted(load.items(), key=lambda kv: kv[0][1]):
            if system != key:
                continue
            check = checks.get((system, concurrency))
            lines.append(
                f"| {name} | {concurrency} | {_fmt(stats.rps)} | {_fmt(stats.items_per_s)} | "
                f"{_fmt(stats.percentile(50), 1)} | {_fmt(stats.percentile(95), 1)} | {_fmt(stats.percentile(99), 1)} | "
                f"{_cpu(cpu.get((system, concurrency)))} | {stats.error_count} | {check.line() if check else '–'} |")
    if not any(system == "ctfd" for system, _ in load):
        lines.append(f"| CTFd 3.8.7 | – | – | – | – | – | – | – | – | CTFd: {results.get('ctfd_status', 'not measured')} |")
    busy = [(system, c, stats.foreign_cores) for (system, c), stats in load.items()
            if stats.foreign_cores is not None and stats.foreign_cores > 0.15]
    quiet = max((stats.foreign_cores or 0 for stats in load.values()), default=0)
    lines += ["", f"Other processes on the machine used at most {quiet:.2f} of its cores during any phase"
              + ("." if not busy else " – **the machine was not quiet; these figures understate all three systems**: "
                 + ", ".join(f"{s}/{c} {v:.2f}" for s, c, v in busy) + ".")]
    errors = [(system, c, stats.errors) for (system, c), stats in load.items() if stats.errors]
    if errors:
        lines += ["", "Errors by kind:"]
        for system, concurrency, kinds in errors:
            shown = "; ".join(f"{reason} ×{count}" for reason, count in sorted(kinds.items(), key=lambda kv: -kv[1])[:5])
            lines.append(f"- {system}/{concurrency}: {shown}")

    if results.get("calibration"):
        lines += ["", f"Worker configurations tried on our server ({len(results['calibration'])} short runs, "
                      "200 teams): " + ", ".join(
                          f"{c['label']} {c['rps']:.0f} req/s p99 {c['p99_ms']:.0f} ms" for c in results["calibration"])]

    # --- ratios and targets ------------------------------------------------------------
    rows = []
    for concurrency in sorted({c for _, c in load}):
        mine = load.get(("ours", concurrency))
        floor = load.get(("floor", concurrency))
        ctfd = load.get(("ctfd", concurrency))
        if mine and ctfd:
            ratio = mine.items_per_s / ctfd.items_per_s if ctfd.items_per_s else math.inf
            rows.append((f"answers/s vs CTFd submissions/s, {concurrency} teams", f"{ratio:,.1f}×",
                         f"≥ {targets['vs_ctfd']:.0f}×", ratio >= targets["vs_ctfd"]))
            req_ratio = mine.rps / ctfd.rps if ctfd.rps else math.inf
            rows.append((f"requests/s vs CTFd requests/s, {concurrency} teams", f"{req_ratio:,.1f}×", "(for reference)",
                         None))
        elif mine:
            rows.append((f"answers/s vs CTFd, {concurrency} teams", f"CTFd: {results.get('ctfd_status', 'not measured')}",
                         f"≥ {targets['vs_ctfd']:.0f}×", None))
        if mine and floor:
            ratio = mine.items_per_s / floor.items_per_s if floor.items_per_s else math.nan
            rows.append((f"answers/s vs floor, {concurrency} teams", f"{ratio:.0%}", f"≥ {targets['vs_floor']:.0%}",
                         ratio >= targets["vs_floor"]))
        mine_cpu, floor_cpu = cpu.get(("ours", concurrency)), cpu.get(("floor", concurrency))
        if mine_cpu and floor_cpu:
            rows.append((f"CPU per answer vs floor, {concurrency} teams (server + DB)",
                         f"{_cpu(mine_cpu)} vs {_cpu(floor_cpu)} ms = {sum(mine_cpu) / sum(floor_cpu):.1f}×",
                         "(for reference)", None))
    live = results.get("live_pages")
    if live:
        watched = load.get(("ours_live", 50))
        baseline = live.get("baseline_answers_per_s")
        if watched and baseline:
            cost = 1 - watched.items_per_s / baseline
            rows.append((f"answers/s lost with {live['pages']} teacher live pages open (one per class), 50 teams, "
                         f"against the mean of the phases without pages before and after "
                         f"({live['requests']} live updates, {live.get('opening_requests', 0)} of them opening "
                         f"the pages before the phase, {live['errors']} errors)",
                         f"{cost:.1%}", f"≤ {targets['live_pages_cost']:.0%}",
                         cost <= targets["live_pages_cost"] and live["errors"] == 0))
        if live.get("cpu_share") is not None:
            rows.append(("share of our server's CPU spent answering those live pages "
                         "(rallyhub_live_view_cpu_seconds_total; not swayed by the machine's drift)",
                         f"{live['cpu_share']:.1%}", f"≤ {targets['live_pages_cost']:.0%}",
                         live["cpu_share"] <= targets["live_pages_cost"]))
    mine200 = load.get(("ours", 200))
    paced = load.get(("ours_paced", 200))
    if paced:
        p99 = paced.percentile(99)
        held = results.get("paced", {})
        rate, saturation = held.get("rate", 0), held.get("saturation", 0)
        rows.append((f"p99 latency, 200 teams offering {rate:.0f} req/s (50 % of our saturation, {saturation:.0f} "
                     "req/s)", f"{p99:.0f} ms", f"< {targets['p99_ms_200']:.0f} ms", p99 < targets["p99_ms_200"]))
        rows.append((f"requests/s held, 200 teams offering {rate:.0f} req/s", f"{paced.rps:.0f}",
                     f"≥ {rate * 0.97:.0f}", paced.rps >= rate * 0.97))
    if mine200:
        rows.append(("p99 at saturation, 200 teams back to back", f"{mine200.percentile(99):.0f} ms",
                     "(for reference)", None))
        rows.append(("answer requests/s at saturation, 200 teams", f"{mine200.rps:.0f}", f"≥ {targets['rps_200']:.0f}",
                     mine200.rps >= targets["rps_200"]))
    our_checks = [check for (system, _), check in checks.items() if system.startswith("ours") and check]
    if our_checks:
        lost = sum(c.lost for c in our_checks)
        doubled = sum(c.doubled for c in our_checks)
        stray = sum(c.stored_rejected + c.unknown_rows for c in our_checks)
        rows.append(("answers lost / doubled (all our runs)", f"{lost} / {doubled}" + (f", {stray} stray" if stray else ""),
                     "0 / 0", lost == 0 and doubled == 0 and stray == 0))

    static = results.get("static", {})
    if "bundle_bytes" in static:
        size = static["bundle_bytes"]
        rows.append(("bundle, 30 stations (JSON via rallies.bundle)", f"{size:,} B ({size / 1024:.1f} KB)",
                     f"< {targets['bundle_bytes'] // 1024} KB", size < targets["bundle_bytes"]))
    http = static.get("bundle_http")
    if http:
        if "error" in http:
            rows.append(("bundle over HTTP, then If-None-Match", http["error"], "200, then 304", False))
        else:
            rows.append(("bundle over HTTP, then If-None-Match",
                         f"{http['status']} ({http['bytes']:,} B), then {http['revalidated']} ({http['revalidated_bytes']} B)",
                         "200, then 304", http["status"] == 200 and http["revalidated"] == 304))
    image = static.get("image")
    if image:
        side = max(image["display"]) if image.get("display") and all(image["display"]) else None
        rows.append((f"image {image['original'][0]}×{image['original'][1]} JPEG → display rendition",
                     f"{image['display'][0]}×{image['display'][1]} ({_fmt(image.get('display_bytes'))} B)"
                     if side else "no display rendition", f"≤ {targets['image_px']} px",
                     side is not None and side <= targets["image_px"]))
    for name, label, hints, target_key in (("exports", "XLSX results, 40 teams × 40 tasks", ("xlsx", "export"), "xlsx_s"),
                                           ("qr_kit", "QR sheet PDF, 50 stations", ("pdf", "qr", "kit"), "qr_pdf_s")):
        figures = static.get(name)
        target = f"< {targets[target_key]:.0f} s"
        if figures is None:
            continue
        if "todo" in figures:
            rows.append((label, f"TODO: {figures['todo']}", target, None))
        elif "error" in figures:
            rows.append((label, f"error: {figures['error'][:120]}", target, False))
        elif "printed" in figures:  # a script that prints its figures: take its median time
            text = figures["printed"]
            found = re.search(r"median\s+([\d.]+)\s*(ms|s)\b", text) or re.search(r"([\d.]+)\s*(ms|s)\b", text)
            value = float(found.group(1)) / (1000 if found.group(2) == "ms" else 1) if found else None
            text = re.sub(r"\s{2,}", " ", text).replace("|", ";")
            rows.append((label, (f"{value:.2f} s (median; " if value is not None else "(") + text[:160] + ")", target,
                         None if value is None else value < targets[target_key]))
        else:
            key, value = _find_seconds(figures, *hints)
            extra = ", ".join(f"{k}={v}" for k, v in figures.items() if k != key and not isinstance(v, (dict, list)))
            if value is None:
                rows.append((label, f"figures: {extra[:150]}", target, None))
            else:
                rows.append((label, f"{value:.2f} s" + (f" ({extra[:100]})" if extra else ""), target,
                             value < targets[target_key]))

    lines += ["", "## Ratios and targets", "", "| figure | value | target | |", "|---|---|---|:-:|"]
    lines += [f"| {name} | {value} | {target} | {_mark(ok)} |" for name, value, target, ok in rows]
    if results.get("ctfd_status") and results["ctfd_status"] != "measured":
        lines += ["", f"CTFd: {results['ctfd_status']}"]
    for note in results.get("notes", []):
        lines.append(f"- {note}")
    return "\n".join(lines)
