"""The load shape: each team answers every task of the rally like an offline phone.

For each task the team sends 0-3 wrong answers and then the right one (about 2.2 answers a
task), queued offline and sent oldest first in batches of 5-10 items with new UUIDs. Now and
then (15 % of batches) the phone sends an earlier batch again, as a phone does that never
saw the server's answer: every item in it must come back `duplicate`, never stored twice.

The same shape drives our server and the floor app; the ledger records what the server
acknowledged for each client id, for the lost-and-doubled check afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from dataclasses import dataclass, field

from bench.load import Request, Response

WRONG_COUNTS = (0, 0, 1, 1, 2, 3)
REPLAY_SHARE = 0.15
ACKED = ("accepted", "duplicate")


@dataclass(frozen=True)
class TaskSpec:
    id: int
    right: object
    wrong: object


@dataclass
class Team:
    key: int  # team id in the server's database
    token: str
    ledger: dict = field(default_factory=dict)  # client id -> last acknowledged status ("sent" until then)


def _now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def _expect_status(ledger: dict, item_id: str, replay: bool) -> tuple[str, ...]:
    if not replay:
        return ("accepted",)
    if ledger.get(item_id) in ACKED:
        return ("duplicate",)
    return ACKED  # the first copy was never acknowledged: either outcome is right


def _answers_check(team: Team, ids: list[str], replay: bool):
    expected = {i: _expect_status(team.ledger, i, replay) for i in ids} if replay else None

    def check(response: Response) -> str | None:
        if response.status != 200:
            return f"HTTP {response.status}" + _problem_code(response)
        results = response.json()["results"]
        if [r["id"] for r in results] != ids:
            return "results do not match the batch"
        wrong = None
        for result in results:
            status = result["status"]
            if status in ACKED:
                team.ledger[result["id"]] = status if team.ledger.get(result["id"]) not in ACKED else "accepted"
            else:
                team.ledger[result["id"]] = "rejected"
            want = expected[result["id"]] if replay else ("accepted",)
            if status not in want and wrong is None:
                code = (result.get("error") or {}).get("code")
                wrong = f"item {status}{' ' + code if code else ''} (expected {'/'.join(want)})"
        return wrong

    return check


def _problem_code(response: Response) -> str:
    try:
        return " " + str(response.json().get("code", ""))
    except Exception:
        return ""


def _mark_sent(team: Team, ids: list[str]):
    def mark() -> None:
        for i in ids:
            team.ledger.setdefault(i, "sent")

    return mark


def team_game(team: Team, tasks: list[TaskSpec], *, path: str, rng: random.Random):
    """One team's requests, built lazily so that answered_at is close to the time of sending."""
    queue = []
    for task in tasks:
        queue += [(task.id, task.wrong)] * rng.choice(WRONG_COUNTS) + [(task.id, task.right)]
    headers = {"Authorization": f"Bearer {team.token}", "Content-Type": "application/json"}
    sent: list[tuple[bytes, list[str]]] = []
    position = 0
    while position < len(queue):
        size = rng.randint(5, 10)
        chunk = queue[position:position + size]
        position += size
        items = [{"id": str(uuid.uuid4()), "task_id": task_id, "value": value, "answered_at": _now_iso()}
                 for task_id, value in chunk]
        ids = [item["id"] for item in items]
        body = json.dumps({"answers": items}, separators=(",", ":")).encode()
        yield Request("POST", path, headers, body, _answers_check(team, ids, False), items=len(ids),
                      on_send=_mark_sent(team, ids))
        sent.append((body, ids))
        if len(sent) > 1 and rng.random() < REPLAY_SHARE:
            old_body, old_ids = rng.choice(sent[:-1])
            yield Request("POST", path, headers, old_body, _answers_check(team, old_ids, True), items=len(old_ids))


def jobs(teams: list[Team], tasks: list[TaskSpec], *, path: str, seed: int):
    rng = random.Random(seed)
    for team in teams:
        yield team_game(team, tasks, path=path, rng=rng)


def estimate_requests_per_team(tasks: int) -> float:
    mean_answers = tasks * (1 + sum(WRONG_COUNTS) / len(WRONG_COUNTS))
    return mean_answers / 7.5 * (1 + REPLAY_SHARE)


# --- Lost and doubled -------------------------------------------------------------------

@dataclass
class LedgerCheck:
    acknowledged: int = 0  # distinct ids answered accepted or duplicate
    lost: int = 0  # acknowledged, not in the database
    doubled: int = 0  # more than one row for one (team, id)
    stored_rejected: int = 0  # answered rejected, yet stored
    unknown_rows: int = 0  # rows for ids never sent
    unacknowledged: int = 0  # sent, no answer seen (phase ended, transport error)
    unacknowledged_stored: int = 0

    def line(self) -> str:
        text = f"lost: {self.lost}, doubled: {self.doubled}"
        extra = []
        if self.stored_rejected:
            extra.append(f"stored though rejected: {self.stored_rejected}")
        if self.unknown_rows:
            extra.append(f"rows never sent: {self.unknown_rows}")
        if self.unacknowledged:
            extra.append(f"unacknowledged: {self.unacknowledged} ({self.unacknowledged_stored} stored)")
        return text + (f" ({'; '.join(extra)})" if extra else "") + f" of {self.acknowledged} acknowledged"

    @property
    def clean(self) -> bool:
        return not (self.lost or self.doubled or self.stored_rejected or self.unknown_rows)


def check_ledgers(teams: list[Team], rows: list[tuple[int, str, int]]) -> LedgerCheck:
    """`rows` are (team key, client id, row count) from the database for these teams."""
    stored: dict[tuple[int, str], int] = {}
    for team_key, client_id, count in rows:
        stored[(int(team_key), client_id)] = stored.get((int(team_key), client_id), 0) + int(count)
    result = LedgerCheck()
    seen = set()
    for team in teams:
        for client_id, status in team.ledger.items():
            key = (team.key, client_id)
            seen.add(key)
            count = stored.get(key, 0)
            if count > 1:
                result.doubled += 1
            if status in ACKED:
                result.acknowledged += 1
                if count == 0:
                    result.lost += 1
            elif status == "rejected":
                if count:
                    result.stored_rejected += 1
            else:
                result.unacknowledged += 1
                if count:
                    result.unacknowledged_stored += 1
    result.unknown_rows = sum(1 for key in stored if key not in seen)
    return result
