#!/usr/bin/env python3
"""A caseworker's desk in Python: what a household is entitled to, and what to ask next.

    caseworker.py [--rules DIR] [--as-of YYYY-MM-DD] [--lang en|zh] HOUSEHOLD.json

Loads the policy package (default: the Wuhan 2012 package of this repository), evaluates the
household through the C API (entitle.py, ctypes) and prints each entitlement with its amount and
legal basis, the questions that would decide the undetermined rules, and the yearly total.
Exit status 3: the package has errors; 4: the household is unusable.
"""

import argparse
import decimal
import json
import os
import sys

import entitle

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_RULES = os.path.join(HERE, "..", "..", "rules", "wuhan-2012")

PERIODS = {
    "en": {"once": "once", "monthly": "a month", "yearly": "a year", "daily": "a day",
           "per_occasion": "each occasion"},
    "zh": {"once": "一次性", "monthly": "每月", "yearly": "每年", "daily": "每天",
           "per_occasion": "每次"},
}
WORDS = {
    "en": {"entitled": "Entitled to", "nothing": "(nothing)", "ask": "To decide, ask for",
           "total": "Yearly total", "household": "household"},
    "zh": {"entitled": "享受待遇", "nothing": "（无）", "ask": "需补充的信息",
           "total": "年度合计", "household": "全户"},
}


def describe(entitlement: dict, lang: str) -> str:
    """One line for one granted entitlement; amounts stay exact decimals."""
    title = entitlement["title"][lang]
    period = PERIODS[lang].get(entitlement.get("period", ""), "")
    if "amount" in entitlement:
        amount = decimal.Decimal(entitlement["amount"])
        what = f"{amount:,.2f} {entitlement['currency']} {period}"
    elif "amount_min" in entitlement:
        what = (f"{decimal.Decimal(entitlement['amount_min']):,.2f}–"
                f"{decimal.Decimal(entitlement['amount_max']):,.2f} "
                f"{entitlement['currency']} {period}")
    elif "quantity" in entitlement:
        what = f"{entitlement['quantity']} {entitlement.get('unit', '')}"
    else:  # in kind or priority: say what, when the package describes it
        what = entitlement.get("description", {}).get(lang, entitlement["kind"])
    basis = entitlement["basis"]
    return f"{title}: {what.strip()} [{basis['source']} {basis['clause']}]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default=DEFAULT_RULES, help="policy package folder")
    parser.add_argument("--as-of", help="evaluation date (default: the household's as_of)")
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("household", help="household file in JSON")
    args = parser.parse_args()
    words = WORDS[args.lang]

    try:
        rules = entitle.RuleSet.load(args.rules)
    except entitle.EntitleError as e:
        print(e.message, file=sys.stderr, end="")
        return 3
    try:
        with open(args.household, encoding="utf-8") as f:
            household = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{args.household}: not a readable JSON household: {e}", file=sys.stderr)
        return 4
    try:
        result = rules.evaluate(household, args.as_of)
    except entitle.EntitleError as e:
        for d in e.diagnostics:
            print(f"{args.household}: {d.path or d.file}: {d.message} [{d.code}]", file=sys.stderr)
        if not e.diagnostics:
            print(e.message, file=sys.stderr)
        return 4

    print(f"{result['household']} — {result['as_of']} — "
          f"{result['ruleset']['name']} {result['ruleset']['version']}")
    print(f"{words['entitled']}:")
    by_recipient = {}
    for item in result["entitlements"]:
        by_recipient.setdefault(item["recipient"], []).append(item)
    for recipient, items in by_recipient.items():
        who = words["household"] if recipient == "household" else recipient
        for item in items:
            print(f"  {who}: {describe(item, args.lang)}")
    if not result["entitlements"]:
        print(f"  {words['nothing']}")
    questions = sorted({fact for u in result["undetermined"] for fact in u["missing"]})
    if questions:
        print(f"{words['ask']}: {', '.join(questions)}")
    totals = result["totals"]
    print(f"{words['total']}: {decimal.Decimal(totals['annual']):,.2f} {totals['currency']}")
    rules.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
