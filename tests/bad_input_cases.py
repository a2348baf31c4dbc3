"""The bad-input corpus: hostile or mistyped YAML, CSV, overlays, command-line arguments and widget fields.

Each ``Case`` is run by ``tests/bad_input_worker.py`` (see ``tests/test_bad_input_corpus.py``):
scenario cases are folders (``files``) checked with ``vetsim validate`` unless ``argv`` says
otherwise; in texts, ``{sample}`` is the sample county's folder and ``{dir}`` the case's folder.
Every case must end with a non-zero exit and a Chinese message (or, with ``warn``, exit 0 and
that warning), without a traceback, within 10 s and 1 GB.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Case", "CASES"]

Content = str | bytes | Callable[[], str | bytes]


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, Content] = field(default_factory=dict)
    argv: tuple[str, ...] = ("validate", "{dir}")
    field: tuple[str, str, Any] | None = None
    warn: str | None = None
    # (issue 21/27) a case may also prepare its folder (links, FIFOs, sparse files), set environment
    # variables ({dir}, {sample} filled in), want its exit code (default: any refusal), name texts the
    # message must hold (``expect``) or never hold (``forbid``, in anything printed), and ask that the
    # message hold no English fragment (``chinese_only``)
    setup: Callable[[Any], None] | None = None
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    rc: int | None = None
    expect: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    chinese_only: bool = False


CASES: list[Case] = []


def _add(case: Case) -> None:
    assert case.id not in {c.id for c in CASES}, case.id
    CASES.append(case)


def yaml_overlay(id: str, text: str | Callable[[], str], **kw: Any) -> None:
    """An overlay of the sample county whose scenario.yaml adds ``text``."""
    content: Content = (lambda: "base: {sample}\n" + text()) if callable(text) else "base: {sample}\n" + text
    _add(Case(id, {"scenario.yaml": content}, **kw))


def yaml_alone(id: str, content: Content) -> None:
    """A scenario.yaml without a base (and no tables)."""
    _add(Case(id, {"scenario.yaml": content}))


def csv_overlay(id: str, name: str, content: Content, yaml: str = "") -> None:
    """An overlay of the sample county with one CSV file patching the base's table."""
    _add(Case(id, {"scenario.yaml": "base: {sample}\n" + yaml, name: content}))


def cli(id: str, *argv: str) -> None:
    _add(Case(id, argv=tuple(argv)))


def widget(collection: str, name: str, *values: Any) -> None:
    for i, v in enumerate(values):
        _add(Case(f"field-{collection}-{name}-{i}", field=(collection, name, v)))


def _bomb() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\nname: *a9\n"


def _merge_bomb() -> str:
    lines = ["k0: &k0 {a: 1, b: 2, c: 3, d: 4}"]
    lines += [f"k{i}: &k{i} {{x: [*k{i - 1}, *k{i - 1}, *k{i - 1}, *k{i - 1}, *k{i - 1}, *k{i - 1}, *k{i - 1}, *k{i - 1}]}}"
              for i in range(1, 9)]
    return "\n".join(lines) + "\ndescription: {zh: *k8, en: x}\n"


# ---- YAML --------------------------------------------------------------------------------------------
yaml_alone("yaml-billion-laughs", _bomb)
yaml_overlay("yaml-bomb-in-overlay", _bomb().replace("name: *a9", "description: {zh: *a9, en: x}"))
yaml_alone("yaml-mapping-bomb", _merge_bomb)
yaml_alone("yaml-recursive-alias", "a: &a [*a]\nname: *a\n")
yaml_overlay("yaml-duplicate-top-key", "seed: 1\nseed: 2\n")
yaml_overlay("yaml-duplicate-nested-key", "targets:\n  wait_minutes: {value: 20}\n  wait_minutes: {value: 30}\n")
yaml_alone("yaml-python-tag", "!!python/object/apply:os.system ['echo hacked']\n")
yaml_alone("yaml-custom-tag", "name: !secret x\n")
yaml_alone("yaml-binary", bytes(range(256)) * 8)
yaml_alone("yaml-utf16", "name: {zh: 示例, en: x}\n".encode("utf-16"))
yaml_alone("yaml-top-list", "- a\n- b\n")
yaml_alone("yaml-top-scalar", "just text\n")
yaml_alone("yaml-empty", "")
yaml_alone("yaml-only-comments", "# nothing here\n# at all\n")
yaml_alone("yaml-over-size-limit", lambda: "# " + "x" * 1_100_000 + "\n")
yaml_alone("yaml-over-items-limit", lambda: "[" + "1," * 127_000 + "1]\n")
yaml_alone("yaml-just-under-items-limit", lambda: "[" + "1," * 39_000 + "1]\n")
yaml_alone("yaml-deep-flow-nesting", lambda: "a: " + "[" * 5000 + "]" * 5000 + "\n")
yaml_alone("yaml-deep-block-nesting", lambda: "".join(" " * i + f"k{i}:\n" for i in range(1200)))
yaml_alone("yaml-list-as-key", "? [a, b]\n: 1\n")
yaml_overlay("overlay-updates-where-list", "site_updates: [{where: [level], set: {funded_staff: 2}}]\n")
yaml_alone("yaml-tab-indent", "name:\n\tzh: x\n")
yaml_alone("yaml-unclosed-quote", 'name: {zh: "x, en: y}\n')
yaml_alone("yaml-nul-byte", "name: a\x00b\n")
yaml_alone("yaml-huge-int", lambda: "seed: " + "9" * 6000 + "\n")
yaml_alone("yaml-many-keys", lambda: "".join(f"k{i}: {i}\n" for i in range(18_000)))
yaml_overlay("yaml-unknown-top-key", "colour: red\n")
yaml_overlay("yaml-invisible-name", 'name: {zh: "\\u200b\\u2060", en: "\\ufeff "}\n')
yaml_overlay("yaml-empty-name", 'name: {zh: "", en: ""}\n')
yaml_overlay("yaml-long-name", lambda: "name: {zh: " + "长" * 50_000 + ", en: x}\n")
yaml_overlay("yaml-long-key", lambda: "k" * 200_000 + ": 1\n")
yaml_overlay("yaml-horizon-huge", "horizon_years: 1000000000\n")
yaml_overlay("yaml-horizon-text", "horizon_years: five\n")
yaml_overlay("yaml-seed-negative", "seed: -1\n")
yaml_overlay("yaml-seed-float", "seed: 1.0e+30\n")
yaml_overlay("yaml-base-year", "base_year: 3000\n")
yaml_overlay("yaml-start-date-far", "simulation: {start_date: 9999-12-01}\n")
yaml_overlay("yaml-start-date-invalid", "simulation: {start_date: 2027-02-30}\n")
yaml_overlay("yaml-days-zero", "simulation: {days: 0}\n")
yaml_overlay("yaml-replications-huge", "simulation: {replications: 1000000000}\n")
yaml_overlay("yaml-replications-many-cases", "simulation: {replications: 9000}\n")
yaml_overlay("yaml-wait-target-negative", "targets: {wait_minutes: {value: -5}}\n")
yaml_overlay("yaml-service-level-seven", "targets: {service_level: {value: 7}}\n")
yaml_overlay("yaml-cost-negative", "costs: {funded_post: {township: {value: -90000}}}\n")
yaml_overlay("yaml-cost-1e308", "costs: {site_overhead: {village: {value: 1.0e+308}}}\n")
yaml_overlay("yaml-cost-nan", "costs: {site_overhead: {village: {value: .nan}}}\n")
yaml_overlay("yaml-cost-inf", "costs: {parttime_post: {village: {value: .inf}}}\n")
yaml_overlay("yaml-hour-profile-flood", lambda: "simulation:\n  hour_profile: {"
             + ", ".join(f"{100 + i}: 1" for i in range(19_000)) + "}\n")
yaml_overlay("yaml-hour-profile-zero", "simulation: {hour_profile: {replace: true, 9: 0, 10: 0}}\n")
yaml_overlay("yaml-weekday-profile-bad", "simulation: {weekday_profile: {8: 1, 0: -2}}\n")
yaml_overlay("yaml-case-types-empty", "case_types: {replace: true}\n")
yaml_overlay("yaml-case-types-list", "case_types: [a, b]\n")
yaml_overlay("yaml-partner-unknown", "case_types: {placement: {partner: nobody}}\n")
yaml_overlay("yaml-hotline-share", "case_types: {placement: {hotline_share: 2}}\n")
yaml_overlay("yaml-dated-values-empty", "fiscal: {parameters: {si_base_share: {values: {replace: true}}}}\n")
yaml_overlay("yaml-dated-values-huge", "fiscal: {parameters: {local_average_wage: {values: {2030-01-01: 1.0e+300}}}}\n")
yaml_overlay("yaml-region-tier", "fiscal: {region_tier: mars}\n")
yaml_overlay("yaml-payment-cap-missing", "fiscal: {si_continuation: {payment: {mode: cap, years: null}}}\n")
yaml_overlay("yaml-dist-reversed", "fiscal: {si_continuation: {wage_growth: {dist: {kind: uniform, low: 0.1, high: 0.0}}}}\n")
yaml_overlay("yaml-aid-amount-huge", "fiscal: {aid: {hardship: {amount_per_case: {value: 1.0e+308}}}}\n")
yaml_overlay("yaml-cohort-huge", "fiscal: {si_continuation: {cohort: {label_zh: 待筛查, label_en: cohort, "
             "count: {value: 1.0e+12, unit: person, label_zh: 人数, label_en: count, source: x}, "
             "years_in_arrears: {value: 1.0e+308, unit: year, label_zh: 年限, label_en: years, source: x}, "
             "interrupted_to: 2020-12, registered_year: 2027, source: x}}}\n")
yaml_overlay("yaml-duties-garbage", "duties: [1, 2, 3]\n")
yaml_overlay("yaml-staffing-garbage", "staffing: 42\n")

# ---- overlays ----------------------------------------------------------------------------------------
_add(Case("overlay-base-self", {"scenario.yaml": "base: .\nseed: 1\n"}))
_add(Case("overlay-base-cycle", {"scenario.yaml": "base: inner\n", "inner/scenario.yaml": "base: ..\n"}))
_add(Case("overlay-base-missing", {"scenario.yaml": "base: ../no/such/folder\n"}))
_add(Case("overlay-base-list", {"scenario.yaml": "base: [a, b]\n"}))
_add(Case("overlay-base-number", {"scenario.yaml": "base: 42\n"}))
_add(Case("overlay-base-file", {"scenario.yaml": "base: {sample}/sites.csv\n"}))
_add(Case("overlay-too-deep", {f"{'l/' * i}scenario.yaml": ("base: l\n" if i < 20 else "base: {sample}\n")
                               for i in range(21)}))
_add(Case("overlay-deep-error-in-middle", {f"{'l/' * i}scenario.yaml": ("base: l\n" if i < 9 else "base: {sample}\n")
                                           + ("horizon_years: x\n" if i == 5 else "") for i in range(10)}))
yaml_overlay("overlay-updates-not-list", "site_updates: {where: {level: township}}\n")
yaml_overlay("overlay-updates-no-match", "site_updates: [{where: {level: castle}, set: {funded_staff: 2}}]\n")
yaml_overlay("overlay-updates-site-id", "site_updates: [{where: {level: township}, set: {site_id: X}}]\n")
yaml_overlay("overlay-updates-bad-value", "site_updates: [{where: {level: township}, set: {funded_staff: -3}}]\n")
yaml_overlay("overlay-replace-bad-values", "fiscal: {parameters: {si_base_share: {values: {replace: true, x: 1}}}}\n")

# ---- CSV ---------------------------------------------------------------------------------------------
_SITE_HEAD = "site_id,name_zh,name_en,level,parent_id,funded_staff,parttime_staff,open_days,open_hours,online_share,veterans"


def _site(site_id: str = "X1", **kw: str) -> str:
    row = {"site_id": site_id, "name_zh": "新站", "name_en": "New", "level": "village", "parent_id": "T01",
           "funded_staff": "0", "parttime_staff": "1", "open_days": "Mon-Fri", "open_hours": "08:30-12:00",
           "online_share": "0.1", "veterans": "50", **kw}
    return _SITE_HEAD + "\n" + ",".join(row[c] for c in _SITE_HEAD.split(",")) + "\n"


csv_overlay("csv-semicolons", "sites.csv", _SITE_HEAD.replace(",", ";") + "\nX1;a;b;village;T01;0;1;Mon-Fri;08:00-12:00;0;5\n")
csv_overlay("csv-tabs", "sites.csv", _SITE_HEAD.replace(",", "\t") + "\nX1\ta\tb\tvillage\tT01\t0\t1\tMon-Fri\t08:00-12:00\t0\t5\n")
csv_overlay("csv-binary", "sites.csv", bytes(range(256)) * 64)
csv_overlay("csv-utf16", "sites.csv", _site().encode("utf-16"))
csv_overlay("csv-nul", "sites.csv", _site().replace("新站", "新\x00站"))
csv_overlay("csv-empty", "sites.csv", "")
csv_overlay("csv-blank-lines", "sites.csv", "\n\n \n")
csv_overlay("csv-header-only-required", "sites.csv", _SITE_HEAD + "\n")
csv_overlay("csv-duplicate-columns", "sites.csv", "site_id,site_id\nX1,X2\n")
csv_overlay("csv-too-many-cells", "sites.csv", _site() + "X2,a,b,village,T01,0,1,Mon-Fri,08:00-12:00,0,5,extra,more\n")
csv_overlay("csv-too-many-cells-flood", "sites.csv",
            lambda: _SITE_HEAD + "\n" + "".join(f"X{i},a,b,village,T01,0,1,Mon-Fri,08:00-12:00,0,5,x\n" for i in range(3000)))
csv_overlay("csv-huge-field", "sites.csv", lambda: _site(name_zh="长" * 200_000))
csv_overlay("csv-over-size-limit", "si_applicants.csv", lambda: "person_id\n" + "x" * 21_000_000 + "\n")
csv_overlay("csv-applicants-over-limit", "si_applicants.csv",
            lambda: "person_id,discharge_year,placement,interrupted_from,interrupted_to,status\n"
            + "".join(f"P{i},2015,self,2016-01,2016-12,eligible\n" for i in range(200_001)))
csv_overlay("csv-sites-over-limit", "sites.csv",
            lambda: _SITE_HEAD + "\n" + "".join(f"X{i},a,b,village,T01,0,1,Mon-Fri,08:00-12:00,0,5\n" for i in range(5_001)))
csv_overlay("csv-funded-negative", "sites.csv", _site(funded_staff="-1"))
csv_overlay("csv-funded-huge", "sites.csv", _site(funded_staff="99999999999999999999"))
csv_overlay("csv-funded-nan", "sites.csv", _site(funded_staff="nan"))
csv_overlay("csv-funded-float", "sites.csv", _site(funded_staff="1.5"))
csv_overlay("csv-online-share", "sites.csv", _site(online_share="2"))
csv_overlay("csv-open-hours", "sites.csv", _site(open_hours="25:00-26:00"))
csv_overlay("csv-open-hours-overlap", "sites.csv", _site(open_hours="08:00-12:00;11:00-13:00"))
csv_overlay("csv-open-days", "sites.csv", _site(open_days="Funday"))
csv_overlay("csv-site-id-pattern", "sites.csv", _site(site_id="../../etc"))
csv_overlay("csv-level-unknown", "sites.csv", _site(level="province"))
csv_overlay("csv-parent-unknown-and-type-error", "sites.csv",
            _site("X1", funded_staff="two") + _site("X2", parent_id="NOPE").split("\n", 1)[1])
csv_overlay("csv-parent-cycle", "sites.csv", _site("T01", parent_id="X9", level="township") + _site("X9", parent_id="T01", level="township").split("\n", 1)[1])
csv_overlay("csv-long-parent-cycle", "sites.csv",
            lambda: _SITE_HEAD + "\n" + "".join(f"X{i},a,b,township,X{(i + 1) % 4900},0,1,Mon-Fri,08:00-12:00,0,5\n"
                                                for i in range(4900)))
csv_overlay("csv-two-centers", "sites.csv", _site("C02", level="county_center", parent_id=""))
csv_overlay("csv-invisible-site-name", "sites.csv", _site(name_zh="\u200b"))
csv_overlay("csv-formula-site-id", "sites.csv", _site(site_id="=HYPERLINK(1)"))
_CASE_HEAD = ("case_type,level,yearly_volume,counter_minutes,backoffice_hours,resolved_here_share,referral_delay_days,"
              "deadline_working_days,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12,source")


def _caseload(**kw: str) -> str:
    row = {"case_type": "consultation", "level": "village", "yearly_volume": "100", "counter_minutes": "10",
           "backoffice_hours": "0.1", "resolved_here_share": "1", "referral_delay_days": "1",
           "deadline_working_days": "5", **{f"m{m:02d}": "0.0833333" for m in range(1, 12)}, "m12": "0.0833337",
           "source": "x", **kw}
    return _CASE_HEAD + "\n" + ",".join(row[c] for c in _CASE_HEAD.split(",")) + "\n"


csv_overlay("csv-deadline-overflow", "caseload.csv", _caseload(deadline_working_days="3000000000"))
csv_overlay("csv-volume-huge", "caseload.csv", _caseload(yearly_volume="1e15"))
csv_overlay("csv-volume-negative", "caseload.csv", _caseload(yearly_volume="-5"))
csv_overlay("csv-volume-inf", "caseload.csv", _caseload(yearly_volume="inf"))
csv_overlay("csv-counter-minutes-huge", "caseload.csv", _caseload(counter_minutes="1e300"))
csv_overlay("csv-caseload-level", "caseload.csv", _caseload(level="moon"))
csv_overlay("csv-months-sum", "caseload.csv", _caseload(m01="5"))
csv_overlay("csv-month-negative", "caseload.csv", _caseload(m02="-0.1"))
csv_overlay("csv-backlog-unknown-site", "backlog.csv", "case_type,site_id,open_cases,mean_age_days,source\npetition,NOPE,3,10,x\n")
csv_overlay("csv-backlog-huge", "backlog.csv", "case_type,site_id,open_cases,mean_age_days,source\npetition,C01,1000000000000,10,x\n")
_APP_HEAD = "person_id,discharge_year,placement,interrupted_from,interrupted_to,status"
csv_overlay("csv-applicant-month", "si_applicants.csv", _APP_HEAD + "\nZ1,2015,self,2019-13,2020-01,eligible\n")
csv_overlay("csv-applicant-reversed", "si_applicants.csv", _APP_HEAD + "\nZ1,2015,self,2020-05,2019-01,eligible\n")
csv_overlay("csv-applicant-placement", "si_applicants.csv", _APP_HEAD + "\nZ1,2015,nowhere,2016-01,2016-12,eligible\n")
csv_overlay("csv-applicant-status", "si_applicants.csv", _APP_HEAD + "\nZ1,2015,self,2016-01,2016-12,maybe\n")
csv_overlay("csv-applicant-year", "si_applicants.csv", _APP_HEAD + "\nZ1,99999,self,2016-01,2016-12,eligible\n")
csv_overlay("csv-tier-shares-sum", "tier_shares.csv",
            "funding,region_tier,from_year,central,province,city,county,label_zh,label_en,source\n"
            "si_continuation,central,2019,0.9,0.9,0.9,0.9,a,b,c\n")
csv_overlay("csv-pension-standard", "pension_groups.csv",
            "group_id,label_zh,label_en,count,exit_rate,entry_rate,standard,central_subsidy,funding,source\n"
            "G1,a,b,10,0.1,0.1,no_such_parameter,,pensions,x\n")
csv_overlay("csv-pension-count-huge", "pension_groups.csv",
            "group_id,label_zh,label_en,count,exit_rate,entry_rate,standard,central_subsidy,funding,source\n"
            "G1,a,b,1e300,0.1,0.1,no_such_parameter,,pensions,x\n")
_add(Case("warn-never-arrives", {"scenario.yaml": "base: {sample}\nsimulation: {weekday_profile: {7: 0}}\n"
                                 "site_updates: [{where: {}, set: {open_days: Sun}}]\n"}, warn="案件永远不会到达"))
_add(Case("warn-one-minute", {"scenario.yaml": "base: {sample}\n"
                              "site_updates: [{where: {}, set: {open_hours: '08:00-08:01'}}]\n"}, warn="窗口负荷估计超过 100%"))

# ---- command-line arguments --------------------------------------------------------------------------
cli("cli-staff-budget-nan", "staff", "{sample}", "--budget", "nan")
cli("cli-staff-budget-inf", "staff", "{sample}", "--budget", "inf")
cli("cli-staff-budget-negative", "staff", "{sample}", "--budget", "-1")
cli("cli-staff-budget-text", "staff", "{sample}", "--budget", "lots")
cli("cli-staff-headcount-zero", "staff", "{sample}", "--headcount", "0")
cli("cli-staff-headcount-float", "staff", "{sample}", "--headcount", "1e3")
cli("cli-staff-max-rounds-zero", "staff", "{sample}", "--max-rounds", "0")
cli("cli-staff-max-rounds-negative", "staff", "{sample}", "--max-rounds", "-3")
cli("cli-staff-replications-zero", "staff", "{sample}", "--replications", "0")
cli("cli-staff-replications-huge", "staff", "{sample}", "--replications", "1000000000")
cli("cli-staff-workers-zero", "staff", "{sample}", "--workers", "0")
cli("cli-budget-seed-negative", "budget", "{sample}", "--seed", "-1")
cli("cli-budget-seed-text", "budget", "{sample}", "--seed", "abc")
cli("cli-budget-draws-negative", "budget", "{sample}", "--draws", "-5")
cli("cli-budget-draws-huge", "budget", "{sample}", "--draws", "1000000000")
cli("cli-budget-draws-memory", "budget", "{sample}", "--draws", "100000")
cli("cli-simulate-replications-zero", "simulate", "{sample}", "--replications", "0")
cli("cli-simulate-replications-cases", "simulate", "{sample}", "--replications", "9999")
cli("cli-simulate-seed-negative", "simulate", "{sample}", "--seed", "-1")
cli("cli-simulate-seed-huge", "simulate", "{sample}", "--seed", "1" * 40)
cli("cli-simulate-workers-zero", "simulate", "{sample}", "--workers", "0")
cli("cli-report-replications-zero", "report", "{sample}", "--replications", "0")
cli("cli-report-draws-negative", "report", "{sample}", "--draws", "-1")
cli("cli-validate-missing", "validate", "/no/such/scenario")
cli("cli-validate-file", "validate", "{sample}/scenario.yaml")
cli("cli-show-missing", "show", "/no/such/scenario")

# ---- widget fields -----------------------------------------------------------------------------------
NAN, INF = {"float": "nan"}, {"float": "inf"}
widget("budget", "eligible_count", -1, 1e7, NAN, "很多")
widget("budget", "years_in_arrears", -0.5, 1000, INF)
widget("budget", "base_share", 5, NAN)
widget("budget", "central", 1.5, -0.1)
widget("budget", "yearly_rise", -2, "")
widget("budget", "draws", -1, 10**9, 2.5, None)
widget("sim", "replications", 0, 10**6, True)
widget("sim", "seed", -1, 2**64)
widget("dashboard", "replications", 0, "1e9")
widget("staff", "funded_staff", -1, 10**6)
widget("staff", "parttime_staff", 0.5)
widget("save", "folder", "", "../x", "a b", "x" * 100, "a/b", "\u200b")


# ---- issue 21 / 27, second hostile-input round (branch i21-hostile) ----------------------------------------
# ledgers with personal data in names, hostile workbooks, the pseudonym key, output names the file system
# refuses; scenario refusals that name file, row or key in one Chinese sentence.
import io as _io  # noqa: E402 - this block's own helpers
import os as _os  # noqa: E402
import zipfile as _zipfile  # noqa: E402

_PERSON, _ID, _PHONE = "欧阳明辉", "360722197001010033", "13912345678"
_LEDGER = "来访日期,接待单位,来访事由\n2025-01-02,城东,政策咨询\n2025-01-03,城东,优待证办理\n"
_LONG = "长" * 100  # 300 bytes: above the 255 a file system allows in one name


def _ledger(id: str, name: str, content: Content, *extra: str, **kw: Any) -> None:
    """``vetsim ledger import`` of one file ``name`` in the case folder, output to ``{dir}/out``."""
    _add(Case(id, {name: content}, argv=("ledger", "import", "{dir}/" + name, "--scenario", "{sample}",
                                         "--out", "{dir}/out", *extra), **kw))


def _xlsx_parts(sheet_xml: bytes, sst_xml: bytes | None, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx (one sheet, optional shared-text table) built part by part."""
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buf = _io.BytesIO()
    with _zipfile.ZipFile(buf, "w", _zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("xl/workbook.xml", b'<?xml version="1.0"?><workbook ' + ns + b' xmlns:r="' + rel
                   + b'"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", b'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="' + rel
                   + b'/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="' + rel
                   + b'/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        if sst_xml is not None:
            z.writestr("xl/sharedStrings.xml", sst_xml)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def _shared_string_bomb(rows: int = 199_000, chars: int = 1_900) -> bytes:
    """199,000 rows pointing at one 1,900-character shared text: a small file, gigabytes once read."""
    sst = ('<?xml version="1.0"?><sst uniqueCount="1"><si><t>' + "长" * chars + "</t></si></sst>").encode()
    body = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (r, r) for r in range(1, rows + 1))
    return _xlsx_parts(b'<?xml version="1.0"?><worksheet><sheetData>' + body + b"</sheetData></worksheet>", sst)


def _sst_too_big() -> bytes:
    sst = b'<?xml version="1.0"?><sst>' + b"<si><t>x</t></si>" * 3_200_000 + b"</sst>"  # 54 MB unpacked
    return _xlsx_parts(b'<?xml version="1.0"?><worksheet><sheetData/></worksheet>', sst)


def _zip_bomb() -> bytes:
    return _xlsx_parts(b'<?xml version="1.0"?><worksheet><sheetData/></worksheet>', None,
                       {"xl/media/zeros.bin": b"\0" * 260_000_000})


def _encrypted() -> bytes:
    """What Excel writes for a workbook with an opening password: an OLE compound file, not a zip."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088 + "EncryptedPackage".encode("utf-16-le") * 8


def _person_sheets() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"{_PERSON}07123X"
    for row in _LEDGER.splitlines():
        ws.append(row.split(","))
    ws2 = wb.create_sheet(f"{_PERSON}{_PHONE}")
    ws2.append(["来访日期", "接待单位", "来访事由", "姓名", "身份证号", "联系电话"])
    ws2.append(["2025-01-04", "城东", "政策咨询", _PERSON, _ID, _PHONE])
    buf = _io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_SECRETS = (_PERSON, _ID, _PHONE, "07123X")
_ledger("ledger-person-named-csv", f"{_PERSON}_{_ID}_{_PHONE}.csv", _LEDGER, rc=0, forbid=_SECRETS)
_ledger("ledger-person-named-sheets", f"{_PERSON}_{_ID}_{_PHONE}.xlsx", _person_sheets, rc=0, forbid=_SECRETS)
_ledger("ledger-person-named-unreadable", f"{_PERSON}_{_ID}_{_PHONE}.xlsx", b"not a workbook", forbid=_SECRETS,
        chinese_only=True)
_ledger("ledger-shared-string-bomb", "bomb.xlsx", _shared_string_bomb, expect=("总字符数", "超过上限"))
_ledger("ledger-shared-strings-too-big", "sst.xlsx", _sst_too_big, expect=("共享文字表",))
_ledger("ledger-zip-bomb", "zip.xlsx", _zip_bomb, expect=("解压后",))
_ledger("ledger-encrypted", "locked.xlsx", _encrypted, expect=("密码",), chinese_only=True)
_ledger("ledger-not-a-zip", "fake.xlsx", b"PK\x03\x04 broken", expect=("不是可读取的",), chinese_only=True)
_ledger("ledger-duplicate-column-phrased", "dup.csv",
        "来访日期,接待单位,来访事由,处理结果,是否当场办结\n2025-01-02,城东,政策咨询,是,是\n", rc=0)
_add(Case("ledger-out-name-300-bytes", {"v.csv": _LEDGER},
          argv=("ledger", "import", "{dir}/v.csv", "--scenario", "{sample}", "--out", "{dir}/" + _LONG),
          expect=("文件名过长", "255")))


def _fifo(name: str) -> Callable[[Any], None]:
    return lambda d: _os.mkfifo(d / name, 0o600)


def _link(name: str, target: str) -> Callable[[Any], None]:
    return lambda d: _os.symlink(target, d / name)


def _sparse(name: str, size: int) -> Callable[[Any], None]:
    def make(d: Any) -> None:
        with open(d / name, "wb") as fh:
            fh.truncate(size)
        _os.chmod(d / name, 0o600)
    return make


def _key_file(name: str, content: bytes, mode: int = 0o600) -> Callable[[Any], None]:
    def make(d: Any) -> None:
        (d / "keys").mkdir(exist_ok=True)
        (d / "keys" / name).write_bytes(content)
        _os.chmod(d / "keys" / name, mode)
    return make


def _key(id: str, key: str, setup: Callable[[Any], None] | None = None, files: dict[str, Content] | None = None,
         expect: tuple[str, ...] = ("密钥文件",)) -> None:
    """A ledger import whose ``VETSIM_KEY`` is ``key``: refused at once, with the key's place and why."""
    _add(Case(id, {"in/v.csv": _LEDGER, **(files or {})},
              argv=("ledger", "import", "{dir}/in/v.csv", "--scenario", "{sample}", "--out", "{dir}/out"),
              setup=setup, env={"VETSIM_KEY": key}, expect=expect))


_key("key-fifo", "{dir}/keys/k.fifo", lambda d: ((d / "keys").mkdir(), _os.mkfifo(d / "keys" / "k.fifo", 0o600)),
     expect=("不是普通文件",))
_key("key-sparse-3-gb", "{dir}/keys/big.key", lambda d: ((d / "keys").mkdir(), _sparse("keys/big.key", 3 << 30)(d)),
     expect=("3221225472",))
_key("key-device", "{dir}/keys/zero", lambda d: ((d / "keys").mkdir(), _os.symlink("/dev/zero", d / "keys" / "zero")),
     expect=("不是普通文件",))
_key("key-folder", "{dir}/keys", lambda d: (d / "keys").mkdir(), expect=("不是普通文件",))
_key("key-empty", "{dir}/keys/k", _key_file("k", b""), expect=("0 字节",))
_key("key-short", "{dir}/keys/k", _key_file("k", b"abc\n"), expect=("4 字节",))
_key("key-not-hex", "{dir}/keys/k", _key_file("k", b"z" * 64 + b"\n"), expect=("内容无效",))
_key("key-readable-by-others", "{dir}/keys/k", _key_file("k", b"0" * 64 + b"\n", 0o644), expect=("chmod 600",))
_key("key-inside-scenario", "{dir}/scn/keys/ledger.key", files={"scn/scenario.yaml": "base: {sample}\n"},
     expect=("情景",))
_key("key-inside-scenario-link", "{dir}/link/ledger.key", _link("link", "scn"),
     files={"scn/scenario.yaml": "base: {sample}\n"}, expect=("情景",))
_key("key-beside-ledger", "{dir}/in/ledger.key", expect=("台账文件所在",))
_key("key-inside-output", "{dir}/out/ledger.key", expect=("输出文件夹",))

# scenario refusals that name the problem (issue 27, item 5)
_SITE_ROW = "X1,新站,New,village,T01,0,1,Mon-Fri,08:30-12:00,0.1,50"
_add(Case("csv-trailing-empty-columns", {"scenario.yaml": "base: {sample}\n",
                                         "sites.csv": _SITE_HEAD + ",,,\n" + _SITE_ROW + ",,,\n"}, rc=0))
_add(Case("csv-title-row-above-header", {"scenario.yaml": "base: {sample}\n",
                                         "sites.csv": "示例县站点表" + "," * 10 + "\n" + _SITE_HEAD + "\n" + _SITE_ROW + "\n"},
          warn="看作标题"))
_add(Case("csv-blank-column-in-header", {"scenario.yaml": "base: {sample}\n",
                                         "sites.csv": _SITE_HEAD.replace(",name_en", ",,name_en") + "\n"
                                         + _SITE_ROW.replace(",New", ",,New") + "\n"},
          expect=("没有列名", "第 3 列"), chinese_only=True))
_add(Case("csv-cell-19-mb", {"scenario.yaml": "base: {sample}\n",
                             "sites.csv": lambda: _SITE_HEAD + "\nX1," + "长" * 6_500_000 + ",New,village,T01,0,1,"
                             "Mon-Fri,08:30-12:00,0.1,50\n"}, expect=("sites.csv", "第2行"),
          chinese_only=True))
_add(Case("csv-bidi-override-in-name", {"scenario.yaml": "base: {sample}\n",
                                        "sites.csv": _SITE_HEAD + "\n" + _SITE_ROW.replace("新站", "新\u202e站") + "\n"},
          expect=("U+202E", "name_zh"), chinese_only=True))
_add(Case("csv-link-to-passwd", {"scenario.yaml": "base: {sample}\n"}, setup=_link("sites.csv", "/etc/passwd"),
          expect=("sites.csv", "以外"), forbid=("root:", "/bin/", "nologin"), chinese_only=True))
_add(Case("csv-link-to-dev-zero", {"scenario.yaml": "base: {sample}\n"}, setup=_link("caseload.csv", "/dev/zero"),
          expect=("caseload.csv", "不是普通文件"), chinese_only=True))
_add(Case("csv-fifo-table", {"scenario.yaml": "base: {sample}\n"}, setup=_fifo("sites.csv"),
          expect=("sites.csv", "不是普通文件"), chinese_only=True))
_add(Case("csv-xlsx-link-to-fifo", {"scenario.yaml": "base: {sample}\n"},
          setup=lambda d: (_os.mkfifo(d.parent / f"{d.name}.fifo"), _os.symlink(d.parent / f"{d.name}.fifo", d / "tasks.xlsx")),
          expect=("tasks.xlsx", "不是普通文件"), chinese_only=True))
yaml_overlay("yaml-dated-key-feb-30", "fiscal: {parameters: {local_average_wage: {values: {2027-02-30: 100000}}}}\n",
             expect=("2027-02-30", "values", "第 2 行"), chinese_only=True)
yaml_overlay("yaml-start-date-feb-30", "simulation: {start_date: 2027-02-30}\n", expect=("start_date", "第 2 行"),
             chinese_only=True)
yaml_overlay("yaml-horizon-1e308", "horizon_years: 1e308\n", expect=("horizon_years",), chinese_only=True)
yaml_overlay("yaml-bidi-in-name", 'name: {zh: "示例\\u202e县", en: "x"}\n', expect=("U+202E",), chinese_only=True)
_add(Case("overlay-chain-of-50", {f"{'l/' * i}scenario.yaml": ("base: l\n" if i < 50 else "base: {sample}\n")
                                  for i in range(51)}, expect=("有 1 处错误", "超过上限 16"), chinese_only=True))

# output names a file system refuses, and a file where a folder is needed (issue 21, item 2)
cli("cli-budget-xlsx-name-300-bytes", "budget", "{sample}", "--xlsx", "{dir}/" + _LONG + ".xlsx")
cli("cli-budget-csv-name-300-bytes", "budget", "{sample}", "--csv", "{dir}/" + _LONG + ".csv")
cli("cli-simulate-out-name-300-bytes", "simulate", "{sample}", "--out", "{dir}/" + _LONG)
cli("cli-tasks-excel-name-300-bytes", "tasks", "{sample}", "--excel", "{dir}/" + _LONG + ".xlsx")
cli("cli-report-out-name-300-bytes", "report", "{sample}", "--out", "{dir}/" + _LONG + ".pdf")
cli("cli-staff-out-name-300-bytes", "staff", "{sample}", "--out", "{dir}/" + _LONG)
_add(Case("cli-budget-csv-under-a-file", {"file": "x"}, argv=("budget", "{sample}", "--csv", "{dir}/file/b.csv"),
          expect=("不是文件夹",)))
# ---- issue 27 / 21 (i27-trust): where vetsim writes, --force, damaged experiment records -------------
# {dir} holds a scenario (an overlay of the sample): every writer pointed into it, at depth 1 and 2, is refused
_OVERLAY = "base: {sample}\n"
_EXP = "region: {sample}/../sample_city\ncounties: [X18]\nreplications: 1\nseed: 1\n"
for _id, _argv in (
        ("simulate-out-depth2", ("simulate", "{dir}", "--out", "{dir}/results/run1")),
        ("simulate-out-depth1", ("simulate", "{sample}", "--out", "{dir}/run1", "--force")),
        ("budget-csv-depth2", ("budget", "{dir}", "--csv", "{dir}/results/b.csv")),
        ("budget-xlsx-depth1", ("budget", "{dir}", "--xlsx", "{dir}/b.xlsx")),
        ("report-out-depth1", ("report", "{dir}", "--out", "{dir}/brief.pdf")),
        ("staff-out-depth2", ("staff", "{dir}", "--no-confirm", "--out", "{dir}/plans/p1")),
        ("sensitivity-out-depth2", ("sensitivity", "{dir}", "--fiscal-only", "--out", "{dir}/charts/t.png")),
        ("tasks-excel-depth1", ("tasks", "{dir}", "--excel", "{dir}/推进表.xlsx")),
        ("ledger-out-depth2", ("ledger", "import", "{dir}/ledger.csv", "--scenario", "{sample}", "--out", "{dir}/imports/l1")),
        ("experiment-out-depth2", ("experiment", "{dir}/exp.yaml", "--scheduler", "serial", "--out", "{dir}/runs/r1")),
        ("calibrate-out-depth2", ("calibrate", "{sample}", "--ledger", "{dir}", "--out", "{dir}/fits/f1"))):
    _add(Case(f"write-into-scenario-{_id}", {"scenario.yaml": _OVERLAY, "ledger.csv": "姓名,日期\n", "exp.yaml": _EXP},
              argv=_argv))
# a data folder (a "data" folder of scenarios): outputs are refused inside it
_add(Case("write-into-data-folder", {"data/s1/scenario.yaml": _OVERLAY},
          argv=("simulate", "{dir}/data/s1", "--out", "{dir}/data/results/run1")))
# --force over a folder holding an annotated vetsim file, or a forged manifest: refused, naming the files
_FORGED = '{"kind": "results", "files": {"report2025.docx": {"size": 4, "sha256": "' + "0" * 64 + '"}}}'
_add(Case("force-over-forged-manifest", {"out/.vetsim-output.json": _FORGED, "out/report2025.docx": "mine"},
          argv=("simulate", "{sample}", "--out", "{dir}/out", "--force")))
_ANNOTATED = ('{"kind": "ledger_records", "files": {"problems.csv": {"size": 12, "sha256": "'
              + "1" * 64 + '"}}}')
_add(Case("force-over-annotated-vetsim-file", {"out/.vetsim-output.json": _ANNOTATED, "ledger.csv": "姓名,日期\n",
                                               "out/problems.csv": "row,problem\n1,已核实\n"},
          argv=("ledger", "import", "{dir}/ledger.csv", "--scenario", "{sample}", "--out", "{dir}/out", "--force")))
# a damaged experiment record in the results folder: refused with a message (was RecursionError / AttributeError)
for _id, _content in (("deep", "[" * 100_000 + "]" * 100_000), ("list", "[1, 2, 3]"), ("garbage", b"\x00\xff\xfe"),
                      ("no-hash", '{"seed": 1}')):
    _add(Case(f"experiment-json-{_id}", {"exp.yaml": _EXP, "out/experiment.json": _content},
              argv=("experiment", "{dir}/exp.yaml", "--scheduler", "serial", "--out", "{dir}/out")))
# ---- issue 26: vetsim bulletin -- a bad notes file, a period without records, a missing records folder -----------------
_VISITS = ("record_id,kind,date,site_id,level,case_type,channel,on_spot,resolved_date,referred_to,handed_to,found_nobody,"
           "person,birth_band,sex,source_file,source_sheet,source_row\n"
           "r1,visits,2027-04-02,T01,township,consultation,visit,True,2027-04-02,,,False,,,,x,,1\n")
_BULLETIN = ("bulletin", "{dir}/records", "--scenario", "{sample}", "--out", "{dir}/out", "--no-tasks", "--period")
for _id, _notes, _expect in (
        ("phone", "township,period,text\n龙泉镇,2027-04,联系电话 13812345678\n", ("notes.csv", "第 2 行", "text", "个人信息")),
        ("id-number", "township,period,text\n龙泉镇,2027-04,身份证110101199003074514\n", ("notes.csv", "第 2 行", "个人信息")),
        ("township", "township,period,text\n火星镇,2027-04,说明\n", ("notes.csv", "第 2 行", "火星镇")),
        ("period", "township,period,text\n龙泉镇,四月,说明\n", ("notes.csv", "第 2 行", "period")),
        ("columns", "乡镇,说明\n龙泉镇,x\n", ("notes.csv", "township"))):
    _add(Case(f"bulletin-notes-{_id}", {"records/visits.csv": _VISITS, "records/notes.csv": _notes},
              argv=(*_BULLETIN, "2027-04"), expect=_expect, forbid=("13812345678", "110101199003074514")))
_add(Case("bulletin-period-without-records", {"records/visits.csv": _VISITS}, argv=(*_BULLETIN, "2027-06"),
          expect=("2027-06", "2027-04-02"), chinese_only=True))
_add(Case("bulletin-period-not-a-month", {"records/visits.csv": _VISITS}, argv=(*_BULLETIN, "2027-13"), expect=("2027-13",)))
_add(Case("bulletin-records-missing", argv=(*_BULLETIN, "2027-04"), expect=("records",)))
_add(Case("bulletin-out-inside-records", {"records/visits.csv": _VISITS},
          argv=("bulletin", "{dir}/records", "--scenario", "{sample}", "--out", "{dir}/records/b", "--period", "2027-04")))
