# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Customer compliance filters; documented in the compliance_*.yml files next to this one.

The logic lives in plugin_utils/_compliance/; these wrappers turn a bad declaration into an
AnsibleFilterError, show why a previous report cannot be used as a warning, and mark the
output unsafe, because it carries text from the API that must never be templated again.
Errors and warnings are printable (see module_utils/_shown.py): they may quote API text.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.avepoint.graph.plugins.module_utils._errors import AvePointError
from ansible_collections.avepoint.graph.plugins.module_utils._shown import printable
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.changes import mark_changes, read_previous_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.check import check_compliance
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.declaration import declaration_of, parse_declaration
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.html import html_report
from ansible_collections.avepoint.graph.plugins.plugin_utils._compliance.reports import failure_message, junit_xml, summary_lines


display = Display()

# Declaration options of compliance_check that were not given (its default for each is
# parse_declaration's), so that a declaration from compliance_declaration can refuse them.
_NOT_GIVEN: Any = object()


def compliance_declaration(expected: Any, defaults: Any = None, scope: str = "listed", match: str = "forgiving",
                           country_aliases: Any = None, allow_empty: bool = False, now: Any = None) -> dict[str, Any]:
    return parse_declaration(expected, defaults=defaults, scope=scope, match=match, country_aliases=country_aliases,
                             allow_empty=allow_empty, now=now).as_dict()


def compliance_check(customers: Any, expected: Any, defaults: Any = _NOT_GIVEN, scope: Any = _NOT_GIVEN, match: Any = _NOT_GIVEN,
                     country_aliases: Any = _NOT_GIVEN, allow_empty: Any = _NOT_GIVEN, jobs: Any = None, now: Any = _NOT_GIVEN,
                     previous_report: Any = None, subscriptions: Any = None, protection: Any = None) -> dict[str, Any]:
    options = {"defaults": defaults, "scope": scope, "match": match, "country_aliases": country_aliases,
               "allow_empty": allow_empty, "now": now}
    declaration = declaration_of(expected, **{name: value for name, value in options.items() if value is not _NOT_GIVEN})
    if previous_report is not None and not isinstance(previous_report, str):
        raise AnsibleFilterError("avepoint.graph.compliance_check: previous_report must be the path of a JSON report, got %s"
                                 % type(previous_report).__name__)
    result = check_compliance(customers, declaration, jobs=jobs, subscriptions=subscriptions, protection_result=protection)
    if previous_report and previous_report.strip():
        previous, warning = read_previous_report(previous_report.strip())
        if warning:
            display.warning(printable("avepoint.graph.compliance_check: %s" % warning))  # never a failure of the gate
        mark_changes(result, previous, previous_report.strip(), warning)
    return result


def compliance_summary_lines(result: Any) -> list[str]:
    return summary_lines(result)


def compliance_failure_message(result: Any) -> str:
    return failure_message(result)


def compliance_junit(result: Any, suite_name: str = "customer_compliance") -> str:
    return junit_xml(result, suite_name=suite_name)


def compliance_html(result: Any, title: str = "Customer compliance") -> str:
    return html_report(result, title=title)


def _filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return wrap_var(function(*args, **kwargs))
        except AvePointError as error:
            raise AnsibleFilterError(printable("avepoint.graph.%s: %s" % (name, error))) from None
        except (KeyError, TypeError, AttributeError) as error:
            # a result that did not come from compliance_check
            raise AnsibleFilterError(printable("avepoint.graph.%s: unexpected input (%s: %s); pass the output of "
                                               "avepoint.graph.compliance_check" % (name, type(error).__name__, error))) from None

    run.__name__ = name
    return run


FILTERS = {
    "compliance_declaration": compliance_declaration,
    "compliance_check": compliance_check,
    "compliance_summary_lines": compliance_summary_lines,
    "compliance_failure_message": compliance_failure_message,
    "compliance_junit": compliance_junit,
    "compliance_html": compliance_html,
}


class FilterModule:
    """Customer compliance filters of avepoint.graph."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {name: _filter(name, function) for name, function in FILTERS.items()}
