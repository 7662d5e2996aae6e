"""axe-core in the browser tests: WCAG 2.2 AA, failing on serious and critical violations.

axe-core (tests/vendor/axe-core, from npm, for tests only) is injected into the page the test
has open and run on the whole document with the WCAG A and AA rule sets up to 2.2. Minor and
moderate findings are reported by axe too, but only serious and critical ones fail a test:
those are the ones that stop someone from using a page (text they cannot read, a control
they cannot reach or that has no name).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
RULE_SETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}


@cache
def _axe_source() -> str:
    """axe-core's code, read once per run."""
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Every violation axe finds on the open page (all impacts), as axe reports them."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol rather than added as a <script> tag: the
        # app's Content-Security-Policy (script-src 'self') rightly refuses inline scripts,
        # and the test must not loosen the policy of the page it checks.
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '),
                                          impact: n.impact, summary: n.failureSummary}))
            }));
        }""",
        RULE_SETS,
    )
    return list(result)


def describe(violations: list[dict[str, Any]]) -> str:
    """The violations as lines a person reads: rule, impact, help, and each element's selector."""
    lines: list[str] = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:8]:
            summary = " ".join((node.get("summary") or "").split())[:200]
            lines.append(f"    {node['target']}  {summary}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations that fail a test: serious or critical impact."""
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def check_axe(page: Any, label: str) -> None:
    """Fail when axe finds a serious or critical WCAG 2.2 AA violation on the open page.

    `label` names the page state in the failure (the page and width, or "form with errors").
    """
    found = serious(axe_violations(page))
    assert not found, f"axe on {label} ({page.url}):\n{describe(found)}"
