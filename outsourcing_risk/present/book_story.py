"""The book's conclusion in words, from its claims (:mod:`outsourcing_risk.analyses.book_claims`),
most important first, as a risk officer reads it: what the book saves and how badly it can go; how
concentrated it is by vendor and by group, against the threshold named; who drives the worst
futures and what that vendor's failure in month 12 would do to the book's saving; which contracts
lose money on average (critical first); how many breach their recovery-time objective on every
failure; which critical contracts could not be exited within notice; what moving one contract away
would change."""

from __future__ import annotations

from ..analyses.claims import Claim
from ..analyses.concentration import HIGHLY_CONCENTRATED, HIGHLY_CONCENTRATED_2010, THRESHOLD_SOURCES
from .formatting import money
from .narrative import horizon_words
from .wording import chance, margin, sentence, signed_money, size

__all__ = ["book_sentences"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def book_sentences(analysis, claims: list[Claim]) -> list[tuple[str, list[Claim]]]:
    """(sentence, the claims it renders) for the book's conclusion."""
    c = {x.key: x for x in claims}
    book = analysis.book
    cur, years = book.currency, horizon_words(book.horizon_months)
    out: list[tuple[str, list[Claim]]] = []
    mean, p_loss, cvar = c["book/mean"], c["book/p_loss"], c["book/cvar5"]
    n_c, n_v = len(book.contracts), len(analysis.vendors)
    saves = (
        f"saves about {size(mean, cur, compact=True)} ({margin(mean, cur)}) over {years} against running everything in-house"
        if mean.value >= 0
        else f"loses about {size(mean, cur, compact=True)} ({margin(mean, cur)}) over {years} against running everything in-house"
    )
    tail = (
        f"lose {size(cvar, cur, compact=True)} on average"
        if cvar.value < 0
        else f"still save {size(cvar, cur, compact=True)} on average"
    )
    out.append(
        (
            (
                f"The book of {_plural(n_c, 'contract')} with {_plural(n_v, 'vendor')} {saves}; it loses money in "
                f"{chance(p_loss.value)} of futures, and the worst 5 % of futures {tail}."
            ),
            [mean, p_loss, cvar],
        )
    )
    out.append(_concentration(c))
    out.append(_tail_and_stress(c, cur))
    group = _group_stress(c, cur)
    if group is not None:
        out.append(group)
    losing = [
        x
        for x in claims
        if x.key.startswith("contract/") and x.key.endswith("/mean") and x.direction == "lower"
    ]
    losing.sort(key=lambda x: (not x.detail["critical"], x.value))
    if losing:
        critical = sum(x.detail["critical"] for x in losing)
        names = ", ".join(f"{x.subject}{' (critical)' if x.detail['critical'] else ''}" for x in losing)
        out.append(
            (
                (
                    f"{_plural(len(losing), 'contract')} of {n_c} ({critical} critical) lose money on average, beyond "
                    f"their margins: {names}."
                ),
                losing,
            )
        )
    else:
        all_means = [x for x in claims if x.key.startswith("contract/") and x.key.endswith("/mean")]
        out.append(("No contract loses money on average beyond its margin.", all_means))
    rto = c["contracts/rto_always"]
    if rto.detail["of"]:
        out.append(
            (
                f"{int(rto.value)} of the {rto.detail['of']} contracts with a recovery-time objective breach it on "
                "every failure: their switch takes longer than the objective allows (a disruption lasts whole "
                "months in the model, so an objective under a month is breached by any failure)."
                if rto.value
                else f"None of the {rto.detail['of']} contracts with a recovery-time objective breaches it on every failure.",
                [rto],
            )
        )
    notice = [x for x in claims if x.key.endswith("/notice")]
    late = [x for x in notice if x.value < 0.5 and x.value + 2 * x.se < 0.5]
    if notice:
        if late:
            named = ", ".join(f"{x.subject} ({chance(x.value)})" for x in late)
            out.append(
                (
                    (
                        f"Of the {len(notice)} critical contracts with a notice period, {len(late)} would usually not be "
                        f"exited within it (the share of exits that complete in time): {named}."
                    ),
                    late,
                )
            )
        else:
            out.append(
                (
                    f"Every critical contract's exit usually completes within its notice period ({len(notice)} checked).",
                    notice,
                )
            )
    if "move/mean" in c:
        out.append(_move(c, cur))
    return out


def _concentration(c: dict[str, Claim]) -> tuple[str, list[Claim]]:
    """Concentration by group first where vendors are grouped (DORA Art. 29 looks at closely
    connected providers), then by vendor; each against the named thresholds."""
    vendor = c["concentration/vendor"]
    group = c.get("concentration/group")
    words = {
        "outside": "highly concentrated",
        "within": "not highly concentrated",
        "at the edge": "at the threshold",
    }
    lines = (
        f"against {HIGHLY_CONCENTRATED:,} above which a market is called highly concentrated "
        f"({THRESHOLD_SOURCES[HIGHLY_CONCENTRATED]}) and {HIGHLY_CONCENTRATED_2010:,} under the older test "
        f"({THRESHOLD_SOURCES[HIGHLY_CONCENTRATED_2010]}): thresholds we borrow for a book"
    )
    if group is None or round(group.value) == round(vendor.value):
        text = (
            f"By vendor its spend is {words[vendor.direction]}{_too(vendor.value)}: an HHI of {vendor.value:,.0f} of "
            f"10,000, {lines}"
        )
        return text + ".", [vendor, *([group] if group is not None else [])]
    text = (
        f"Counting each group of connected vendors as one (a declared group or a common ultimate parent), its "
        f"spend is {words[group.direction]}{_too(group.value)}: an HHI of {group.value:,.0f} of 10,000, {lines}. "
        f"Vendor by vendor it is {words[vendor.direction]}{_too(vendor.value)} (HHI {vendor.value:,.0f})"
    )
    return text + ".", [group, vendor]


def _too(hhi: float) -> str:
    """The older threshold named where the HHI passes it too; "just under the line" within 100
    points of it (1,790 is not highly concentrated, but only just)."""
    if hhi > HIGHLY_CONCENTRATED_2010:
        return f", above {HIGHLY_CONCENTRATED_2010:,} too"
    if HIGHLY_CONCENTRATED - 100 <= hhi <= HIGHLY_CONCENTRATED:
        return ", though only just under the line"
    return ""


def _group_stress(c: dict[str, Claim], cur: str) -> tuple[str, list[Claim]] | None:
    """The group that drives most of the worst futures and its stress, where vendors are grouped."""
    top, stress = c.get("tail/group_top"), c.get("stress/group_top")
    if top is None or stress is None:
        return None
    d = stress.detail
    head = (
        f"The group {top.subject} ({_plural(top.detail['vendors'], 'vendor')}, "
        f"{_plural(top.detail['contracts'], 'contract')}, {chance(top.detail['spend_share'])} of the spend) accounts "
        f"for {chance(top.value)} of the shortfall in the worst 5 % of futures; if the whole group failed in month "
        f"{d['month']} (each vendor then, or earlier where it fails earlier), the book would save "
    )
    if stress.direction == "lower":
        tail = f"{size(stress, cur, compact=True)} less ({margin(stress, cur)})."
    elif stress.direction == "higher":
        tail = f"{size(stress, cur)} more ({margin(stress, cur)})."
    else:
        tail = (
            f"about the same, within its margin ({signed_money(stress.value, cur)}, {margin(stress, cur)})."
        )
    return head + tail, [top, stress]


def _tail_and_stress(c: dict[str, Claim], cur: str) -> tuple[str, list[Claim]]:
    top, stress = c["tail/top"], c["stress/top"]
    d = stress.detail
    text = (
        f"{top.subject} runs {_plural(top.detail['contracts'], 'contract')} with {chance(top.detail['spend_share'])} of "
        f"the spend and accounts for {chance(top.value)} of the shortfall in the worst 5 % of futures; if it failed "
        f"in month {d['month']}, the book would save "
    )
    if stress.direction == "lower":
        text += (
            f"{size(stress, cur, compact=True)} less ({margin(stress, cur)}): about {money(d['after'], cur, compact=True)} "
            f"instead of {money(d['before'], cur, compact=True)}."
        )
    elif stress.direction == "higher":
        text += (
            f"{size(stress, cur)} more ({margin(stress, cur)}), because a forced collapse in month {d['month']} "
            "replaces later, costlier ones."
        )
    else:
        text += (
            f"about the same, within its margin ({signed_money(stress.value, cur)}, {margin(stress, cur)})."
        )
    return text, [top, stress]


def _move(c: dict[str, Claim], cur: str) -> tuple[str, list[Claim]]:
    mean, cvar = c["move/mean"], c["move/cvar"]
    d = mean.detail
    head = (
        f"Moving {d['contract']} from {d['from_vendor']} to a vendor of its own"
        if d["kind"] == "move"
        else f"{d['from_vendor']} runs this one contract, so moving it spreads nothing; preparing its exit plan "
        f"fully (now {chance(d['readiness_before'])} ready)"
    )
    if not mean.significant and not cvar.significant:
        return (
            (
                f"{head} would change neither the mean saving nor the worst-5 % average beyond their margins "
                f"(HHI {d['hhi_after']:,.0f} after)" + (_AS_IF if d["kind"] == "move" else ".")
            ),
            [mean, cvar],
        )
    changed = [
        f"the {what} by {signed_money(x.value, cur)} ({margin(x, cur)})"
        for what, x in (("mean saving", mean), ("worst-5 % average", cvar))
        if x.significant
    ]
    kept = [what for what, x in (("mean saving", mean), ("worst-5 % average", cvar)) if not x.significant]
    rest = f", leave the {kept[0]} within its margin" if kept else ""
    return (
        f"{head} would change {' and '.join(changed)}{rest}, and bring the HHI to {d['hhi_after']:,.0f}"
        + (_AS_IF if d["kind"] == "move" else "."),
        [mean, cvar],
    )


#: What "moving" a contract assumes (analyses.book_claims): a what-if, not a costed migration.
_AS_IF = (
    " (a what-if: a new vendor like the one it leaves, in fee and in chance of failing, and the "
    "move itself not costed)."
)


def book_html(analysis, claims: list[Claim]) -> str:
    """The conclusion as HTML paragraphs, each naming its claims."""
    return "".join(sentence(text, used) for text, used in book_sentences(analysis, claims))
