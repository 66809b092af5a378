"""Plain-language conclusions generated from a simulation, for the top of a report.

Each sentence is computed from the result's own numbers (never written by hand), so it says the
same thing as the KPI cards and charts beneath it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analyses.sobol import CHANCE
from ..analyses.trust_policy import WIN_SE
from ..analyses.value_of_information import QUALITY
from ..model.distributions import Distribution, centre
from ..model.results import SimulationResult
from .formatting import chance_in_words, money, month, param_label, percent

__all__ = [
    "VERDICT_RULE",
    "choice_sentence",
    "conclusion",
    "failure_explained",
    "horizon_words",
    "information_sentence",
    "loss_driver",
    "policy_sentence",
    "portfolio_conclusion",
    "sobol_against_information",
    "sobol_sentence",
    "verdict",
]


def horizon_words(horizon_months: int) -> str:
    """``5 years`` for 60 months, ``18 months`` otherwise."""
    years, rest = divmod(horizon_months, 12)
    if rest == 0:
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{horizon_months} months"


def loss_driver(result: SimulationResult) -> str:
    """What the losing futures have in common: a vendor failure (with or without an exit plan),
    or not. Empty when no future loses money."""
    losing = result.npv < 0
    if not losing.any():
        return ""
    with_failure = float(np.mean(result.failure_count[losing] > 0))
    readiness = result.scenario.exit_readiness
    no_plan = not isinstance(readiness, Distribution) and readiness == 0
    if with_failure >= 0.6:
        return "mostly when the vendor fails" + (" without an exit plan" if no_plan else "")
    if with_failure <= 0.4:
        return "mostly without any vendor failure: the fee and hidden costs outweigh the savings"
    return "about as often with a vendor failure as without one"


def conclusion(result: SimulationResult) -> str:
    """One or two sentences a manager can act on, e.g. "Outsourcing saves about USD 125k over 5
    years in present value; in 1 future in 6 it loses money, mostly when the vendor fails without
    an exit plan. …"

    Examples
    --------
    >>> from outsourcing_risk import Scenario, simulate
    >>> text = conclusion(simulate(Scenario(), n_trials=2_000, seed=1))
    >>> text.startswith("Outsourcing saves about USD")
    True
    """
    s = result.summary()
    cur = result.scenario.currency
    horizon = result.scenario.horizon_months
    span = horizon_words(horizon)
    mean = s["mean_npv"]
    if mean >= 0:
        first = f"Outsourcing saves about {money(mean, cur, compact=True)} over {span} in present value"
    else:
        first = (
            f"Outsourcing costs about {money(-mean, cur, compact=True)} more than staying in-house "
            f"over {span} in present value"
        )
    if s["p_loss"] == 0:
        first += "; it loses money in none of the simulated futures."
    else:
        driver = loss_driver(result)
        first += f"; in {chance_in_words(s['p_loss'])} it loses money, {driver}."
    worst = s["cvar5"]
    worst_text = (
        f"the worst 5 % of futures lose {money(-worst, cur, compact=True)} on average"
        if worst < 0
        else f"even the worst 5 % of futures save {money(worst, cur, compact=True)} on average"
    )
    be = s["breakeven_month"]
    if np.isnan(be):
        payback = f"the median cumulative saving is still not positive after {horizon} months"
    else:
        payback = f"the median cumulative saving is positive for good from {month(be)} (break-even)"
    return f"{first} {worst_text[0].upper()}{worst_text[1:]}, and {payback}."


#: The verdict's rule, as docs/analyses.md states it: thresholds on the report's own figures
#: (our assumption, not a published standard; they are the same for every report).
VERDICT_RULE = {
    "risky_p_loss": 0.25,  # a loss in at least 1 future in 4
    "risky_p_failure": 0.75,  # a vendor failure within the horizon all but certain
    "risky_tail": 2.0,  # the worst 5 % lose on average at least twice the mean saving
    "care_p_loss": 0.10,
    "care_p_failure": 0.40,
}


def verdict(summary, horizon_months: int, currency: str = "") -> tuple[str, str]:
    """(level, sentence): the report's first line, by the rule of :data:`VERDICT_RULE`.

    - ``not worth it``: the mean saving is not positive;
    - ``risky``: it is, but a loss has a chance of at least 25 %, or a vendor failure within the
      horizon of at least 75 %, or the worst 5 % of futures lose on average at least twice what
      is saved on average;
    - ``worth it with care``: a loss has a chance of at least 10 %, or a failure of at least 40 %;
    - ``worth it``: otherwise.

    >>> verdict({"mean_npv": 180e3, "p_loss": 0.36, "p_failure": 0.94, "cvar5": -1.27e6}, 60, "USD")[0]
    'risky'
    """
    mean, p_loss, p_fail, worst = (summary[k] for k in ("mean_npv", "p_loss", "p_failure", "cvar5"))
    rule, span = VERDICT_RULE, horizon_words(horizon_months)
    if not mean > 0:
        return "not worth it", "Not worth it: on average outsourcing costs more than staying in-house."
    reasons = []
    if p_loss >= rule["risky_p_loss"]:
        reasons.append(f"a {percent(p_loss, 0)} chance of a loss")
    if p_fail >= rule["risky_p_failure"]:
        reasons.append(f"a {percent(p_fail, 0)} chance that the vendor fails within {span}")
    if worst <= -rule["risky_tail"] * mean:
        reasons.append(
            f"the worst 5 % of futures losing {money(-worst, currency, compact=True)} on average, "
            f"against {money(mean, currency, compact=True)} saved on average"
        )
    if reasons:
        return "risky", "Risky: it saves on average, but with " + _joined(reasons) + "."
    if p_loss >= rule["care_p_loss"] or p_fail >= rule["care_p_failure"]:
        return "worth it with care", (
            f"Worth it with care: a {percent(p_loss, 0)} chance of a loss and a {percent(p_fail, 0)} "
            f"chance of a vendor failure within {span}; an exit plan and the interview stage lower both."
        )
    return "worth it", "Worth it: it saves on average, and a loss or a vendor failure is unlikely."


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def failure_explained(result: SimulationResult) -> str:
    """Why the chance of a vendor failure is far above the vendor's own yearly figure: the base
    rate compounded over the horizon, then the mistakes that multiply it (in words)."""
    scenario, s = result.scenario, result.summary()
    yearly = centre(scenario.vendor_failure_prob_annual)
    horizon = scenario.horizon_months
    base = 1 - (1 - yearly) ** (horizon / 12)
    span = horizon_words(horizon)
    return (
        f"Why {percent(s['p_failure'], 0)} within {span}: a well-run relationship fails with "
        f"{percent(yearly, 0 if float(round(100 * yearly, 6)).is_integer() else 1)} a year, which alone "
        f"would be {percent(base, 0)} within {span}; this scenario's trust, goal clarity, interview "
        "score and scope creep raise that hazard month by month."
    )


def policy_sentence(table: pd.DataFrame, currency: str = "USD") -> str:
    """The conclusion of :func:`~outsourcing_risk.analyses.trust_policy.compare_policies` in
    words: which policy wins and by how much (or that none does), then what the exit trigger does.
    A difference is written with its margin of two standard errors."""
    fixed = table.loc["best fixed trust"]
    winner = table.attrs.get("winner")

    def change(row) -> str:
        amount = money(abs(row["gain"]), currency)
        direction = "higher" if row["gain"] >= 0 else "lower"
        return f"{amount} {direction} (± {money(WIN_SE * row['se_gain'], currency)})"

    if winner is None:
        best = str(table.loc[["best ramp", "ramp + trigger"], "gain"].idxmax())
        text = (
            f"No policy beats fixed trust at its best ({fixed['setting']}) here: with the best of the "
            f"others, the {best}, the mean saving is {change(table.loc[best])}."
        )
        if table.attrs.get("spread", 0) == 0:
            text += " Every vendor is alike here (quality spread 0): there is nothing for a ramp or a trigger to learn."
    else:
        row = table.loc[winner]
        text = (
            f"The {winner} does best: {row['setting']}. Its mean saving is {change(row)} than with "
            f"the best fixed trust ({fixed['setting']})."
        )
    trig = table.loc["ramp + trigger"]
    if table.attrs.get("spread", 0) == 0:  # no vendor is better or worse than another
        return text
    errors = (
        f"it leaves the vendor in {trig['p_voluntary_exit']:.0%} of futures, a better-than-median one in "
        f"{trig['p_left_good']:.0%}, and keeps one of the worst quarter to the end in "
        f"{trig['p_kept_bad']:.0%} (fixed trust: {fixed['p_kept_bad']:.0%})"
    )
    if winner == "ramp + trigger":
        text += f" Its exit trigger earns its keep: {errors}."
    else:
        trigger = trig["setting"].rsplit("; ", 1)[-1]
        text += (
            f" An exit trigger does not pay here: with the best one ({trigger}) the mean saving is "
            f"{change(trig)} than with the best fixed trust; {errors}."
        )
    return text


def information_sentence(
    table: pd.DataFrame, interview: pd.DataFrame | None = None, cost: float | None = None
) -> str:
    """The value of information in words: what learning everything would be worth, the input most
    worth learning, and (with ``interview``) what an interview that halves the uncertainty about the
    vendor's quality is worth, next to its ``cost``."""

    currency = table.attrs.get("currency", "USD")
    evpi = table.loc["all"]
    inputs = table.drop(index="all")
    if not evpi["value"] > 2 * evpi["se"]:
        text = (
            "Learning more before signing would not change the decision here: "
            f"{'outsourcing' if table.attrs.get('decision_now') == 'outsource' else 'keeping the service in-house'} "
            "stays the better choice whatever the uncertain inputs turn out to be."
        )
    else:
        top = str(inputs["value"].idxmax())
        name = (
            "the vendor's own quality" if top == QUALITY else param_label(top, currency, unit=False).lower()
        )
        text = f"Knowing every uncertain input before signing would be worth about {money(evpi['value'], currency)}"
        worth = inputs["value"].to_dict()[top]
        error = inputs["se"].to_dict()[top]
        if worth > 2 * error:
            text += (
                f"; the one most worth learning is {name}: knowing it alone is worth about "
                f"{money(worth, currency)}."
            )
        else:  # worth something together, nothing alone within its error
            text += (
                ", but no input is worth learning on its own: only together could they change the decision."
            )
    if interview is not None and not interview.empty:
        half = float(np.interp(0.5, interview.index.to_numpy(dtype=float), interview["value"].to_numpy()))
        text += (
            f" An interview or reference check that halves your uncertainty about the vendor's quality is "
            f"worth about {money(half, currency)}"
        )
        if cost is not None:
            verdict = "less than" if cost < half else "more than"
            text += f"; it costs {money(cost, currency)}, {verdict} it is worth"
        text += "."
    return text


def sobol_against_information(indices: pd.DataFrame, information: pd.DataFrame, currency: str = "USD") -> str:
    """One sentence when the input that drives most of the spread (Sobol, total) is not the one most
    worth learning (EVPPI): the two answer different questions, and a reader seeing both should be
    told why they disagree. Empty when they agree or the indices do not apply."""
    if indices.attrs.get("note"):
        return ""
    inputs = indices.drop(index=CHANCE, errors="ignore")
    learnable = information.drop(index="all", errors="ignore")
    learnable = learnable[learnable.index.isin(inputs.index)]
    if inputs.empty or learnable.empty:
        return ""
    spread, worth = str(inputs["total"].idxmax()), str(learnable["value"].idxmax())
    if spread == worth:
        return ""

    def name(n: str) -> str:
        return param_label(n, currency, unit=False).lower()

    return (
        f"{name(spread).capitalize()} drives more of the spread than {name(worth)}, yet learning it is worth "
        "less: what learning is worth depends on whether knowing the input could change the decision, "
        "not on how far it moves the outcome."
    )


def sobol_sentence(table: pd.DataFrame, currency: str = "USD") -> str:
    """The Sobol indices in words: how much of the outcome's spread chance causes alone, and the
    uncertain input that causes the most with its interactions (or that none causes a share
    distinguishable from nothing). When the indices do not apply, the table's note."""
    if table.attrs.get("note"):
        return str(table.attrs["note"])
    chance = table.loc[CHANCE]
    inputs = table.drop(index=CHANCE)
    top = str(inputs["total"].idxmax())
    total, conf = inputs["total"].to_dict()[top], inputs["total_conf"].to_dict()[top]
    text = (
        f"Chance, that is when failures and incidents happen, causes about {percent(max(chance['first'], 0))} "
        "of the spread of the outcome on its own"
    )
    if total <= conf:
        return text + "; none of the uncertain inputs causes a share distinguishable from nothing."
    name = param_label(top, currency, unit=False).lower()
    first, first_conf = inputs["first"].to_dict()[top], inputs["first_conf"].to_dict()[top]
    if total - first <= conf + first_conf:  # the estimates of alone and in all overlap
        return (
            text + f"; of the uncertain inputs, {name} causes the most: about {percent(total)}, on its own."
        )
    return (
        text + f"; of the uncertain inputs, {name} causes the most: about {percent(total)} with its "
        f"interactions, {percent(max(first, 0))} alone."
    )


def choice_sentence(table: pd.DataFrame, cost: float | None = None) -> str:
    """What interviewing every candidate before choosing is worth, in words (``table`` from
    :func:`~outsourcing_risk.analyses.value_of_information.choice_value`): at the accuracy that
    halves the uncertainty about each vendor's quality, next to its ``cost``."""
    currency = table.attrs.get("currency", "USD")
    levels = table.index.to_numpy(dtype=float)
    half = float(np.interp(0.5, levels, table["value"].to_numpy()))
    error = float(np.interp(0.5, levels, table["se"].to_numpy()))
    now = table.attrs.get("choice_now", "")
    choosing = "keeping the service in-house" if now == "in-house" else f"{now}"
    if not half > 2 * error:
        return (
            f"Choosing now ({choosing}) is as good as choosing after the interviews: an interview that "
            "halves your uncertainty about each candidate would not change the choice."
        )
    text = (
        f"Choosing now, the best on average is {choosing}. Interviews or reference checks that halve your "
        f"uncertainty about each candidate's quality are worth about {money(half, currency)} before "
        "choosing, because they can show which one to pick instead"
    )
    if cost is not None:
        verdict = "less than" if cost < half else "more than"
        text += f"; they cost {money(cost, currency)}, {verdict} they are worth"
    return text + "."


def portfolio_conclusion(analysis) -> list[str]:
    """The portfolio report's conclusion, in sentences, most important first (``analysis`` from
    :func:`~outsourcing_risk.analyses.portfolio.analyse_portfolio`): what the book saves and how
    badly it can go; how concentrated it is and on whom; what the largest vendor's failure would
    cost; which critical contracts could not be exited within their notice period; what moving one
    contract away would change."""
    from ..analyses.portfolio import HIGHLY_CONCENTRATED

    book, s, vendors, contracts = analysis.book, analysis.summary, analysis.vendors, analysis.contracts
    cur = book.currency
    n_c, n_v = len(book.contracts), len(vendors)
    years = horizon_words(book.horizon_months)
    out = [
        f"The book of {n_c} contract{'s' if n_c != 1 else ''} with {n_v} vendor{'s' if n_v != 1 else ''} "
        + (
            f"saves about {money(s['mean_npv'], cur)} over {years} against running everything in-house"
            if s["mean_npv"] >= 0
            else f"loses about {money(-s['mean_npv'], cur)} over {years} against running everything in-house"
        )
        + f"; it loses money in {percent(s['p_loss'])} of futures, and the worst 5 % of futures "
        + (
            f"lose {money(-s['cvar5'], cur)} on average."
            if s["cvar5"] < 0
            else f"still save {money(s['cvar5'], cur)} on average."
        )
    ]
    top = vendors["worst5_share"].idxmax()
    level = "highly concentrated" if s["hhi"] > HIGHLY_CONCENTRATED else "not highly concentrated"
    out.append(
        f"Its spend is {level} (HHI {s['hhi']:,.0f} of 10,000). {top} runs {int(vendors.loc[top, 'contracts'])} "
        f"contract{'s' if vendors.loc[top, 'contracts'] != 1 else ''} with {percent(vendors.loc[top, 'spend_share'])} "
        f"of the spend and accounts for {percent(vendors.loc[top, 'worst5_share'])} of the shortfall in the worst "
        f"5 % of futures; if it failed in month {s['stress_month']}, the book would lose about "
        f"{money(vendors.loc[top, 'stress_loss'], cur)}."
    )
    critical = contracts[contracts["critical"] & contracts["p_exit_within_notice"].notna()]
    late = critical[critical["p_exit_within_notice"] < 0.5]
    if len(critical):
        if len(late):
            named = ", ".join(f"{name} ({percent(p)})" for name, p in late["p_exit_within_notice"].items())
            out.append(
                f"Of the {len(critical)} critical contracts with a notice period, {len(late)} would usually not "
                f"be exited within it (the share of exits that complete in time): {named}."
            )
        else:
            out.append(
                f"Every critical contract's exit usually completes within its notice period ({len(critical)} checked)."
            )
    moved = analysis.diversification
    if (
        moved
        and abs(moved["mean_gain"]) <= 2 * moved["mean_gain_se"]
        and abs(moved["cvar_gain"]) <= 2 * moved["cvar_gain_se"]
    ):
        out.append(
            f"Moving {moved['contract']} from {moved['from_vendor']} to a vendor of its own would change neither "
            f"the mean saving nor the worst-5 % average beyond their errors (HHI {moved['hhi_after']:,.0f} after)."
        )
    elif moved:
        out.append(
            f"Moving {moved['contract']} from {moved['from_vendor']} to a vendor of its own would change the "
            f"mean saving by {_signed(moved['mean_gain'], cur)} (± {money(2 * moved['mean_gain_se'], cur)}) and the "
            f"worst-5 % average by {_signed(moved['cvar_gain'], cur)} (± {money(2 * moved['cvar_gain_se'], cur)}), "
            f"bringing the HHI to {moved['hhi_after']:,.0f}."
        )
    return out


def _signed(value: float, currency: str) -> str:
    return ("+" if value >= 0 else "−") + money(abs(value), currency)
