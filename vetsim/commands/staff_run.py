"""``vetsim staff PATH [--budget YUAN | --headcount N] [--may-cut-funded] [--out DIR]``: the cheapest staffing
that meets the targets, what it assumed about approved posts, and which constraint binds where."""

from __future__ import annotations

import argparse
import warnings

from .. import formats
from ..cache import check_cache_location
from ..cliparser import outcome
from ..errors import VetsimError
from ..files import check_output_target, display_path
from ..plans.simcheck import optimize_confirmed
from ..scenario import load_scenario
from ..staffing.plan import build_plan
from ..staffing.solver import BINDING_TEXT, optimal_staff
from ..tables import frame, table
from ..wording import both, tr

__all__ = ["staff", "StaffArgumentError"]


class StaffArgumentError(VetsimError):
    """A command-line value that cannot be used."""


_COLS = {
    "site_id": both("staffing.cols.site_id"), "level": both("staffing.cols.level"),
    "funded_before": both("staffing.cols.funded_before"), "funded_after": both("staffing.cols.funded_after"),
    "parttime_before": both("staffing.cols.parttime_before"), "parttime_after": both("staffing.cols.parttime_after"),
    "cost_after_yuan": both("staffing.cols.cost_after_yuan"),
    "service_level_after": both("staffing.cols.service_level_after"),
    "utilisation_after": both("staffing.cols.utilisation_after"),
    "wisn_ratio_after": both("staffing.cols.wisn_ratio_after"),
    "binding": both("staffing.cols.binding"),
}


def staff(args: argparse.Namespace) -> int:
    """``vetsim staff SCENARIO``: the plan, what it assumed, what binds where, and its confirmation."""
    lang = args.lang
    if (args.budget is not None and args.budget <= 0) or (args.headcount is not None and args.headcount <= 0):
        raise StaffArgumentError(*both("staffing.error.budget_headcount_positive"))
    if args.out:
        check_output_target(args.out, "folder", args.force, new_scenario=True)  # before the optimisation, not after
    if not args.no_confirm:
        check_cache_location(args.path)  # before any work: the confirmation's runs are read from and kept in the cache
    sc = load_scenario(args.path)
    cut = True if args.may_cut_funded else None  # None: the scenario's staffing.may_cut_funded_posts (default no)
    conf = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.no_confirm:
            plan = build_plan(sc, optimal_staff(sc, args.budget, args.headcount, may_cut_funded=cut))
        else:
            plan, conf = optimize_confirmed(sc, args.budget, args.headcount, replications=args.replications,
                                            workers=args.workers, max_rounds=args.max_rounds, may_cut_funded=cut,
                                            use_cache=True)
    col = 0 if lang == "zh" else 1
    print(plan.summary(lang))
    for line in plan.assumptions(lang):
        print(line)
    print(tr("staffing.binding_heading", lang))
    print(frame(plan.binding_counts(lang), index_header=tr("level", lang), fmt=lambda x: formats.count(x, lang)))
    changed = plan.changed()
    if len(changed):
        print(tr("staffing.changed_sites", lang, n=len(changed)))
        view = changed[list(_COLS)].copy()
        view["level"] = view["level"].map(lambda lv: sc.levels.label(lv, lang))
        view["binding"] = view["binding"].map(lambda b: BINDING_TEXT.get(b, (b, b))[col])
        view["cost_after_yuan"] = view["cost_after_yuan"].map(lambda x: formats.count(x, lang))
        for c in ("service_level_after", "utilisation_after"):
            view[c] = view[c].map(lambda x: formats.share(x, lang))
        view["wisn_ratio_after"] = view["wisn_ratio_after"].map(lambda x: formats.number(x, lang, 2))
        print(table([v[col] for v in _COLS.values()], view.itertuples(index=False, name=None)))
    if conf is not None:
        fails, unsure = conf.failing_sites(), conf.uncertain_sites()
        rounds = len(plan.meta.get("history", []))
        verdict = tr("staffing.check_all_meet", lang) if not fails and not unsure else \
            tr("staffing.check_sites_fail", lang, n=len(fails)) + \
            (tr("punct.colon", lang) + ", ".join(fails) if fails else "")
        print(tr("staffing.check_head", lang, replications=conf.meta.get("replications")) + verdict
              + (tr("staffing.check_unsure", lang, n=len(unsure)) if unsure else "")
              + tr("staffing.check_rounds", lang, rounds=rounds))
    if args.out:
        out = plan.save(args.out, force=args.force)
        print((tr("staffing.plan_saved", lang)) + display_path(out))
    if conf is None:
        return outcome(0, "staffing.closing.not_confirmed", lang)
    fails = conf.failing_sites()
    return outcome(1, "staffing.closing.fails", lang, n=len(fails)) if fails else outcome(0, "staffing.closing.holds", lang)
