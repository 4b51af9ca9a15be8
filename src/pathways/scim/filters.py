"""A SCIM filter (RFC 7644 §3.4.2.2), parsed by scim2-models, as a SQL condition on the people query, so
that `userName eq "x"` is one indexed lookup however many people there are.

Every attribute Pathways publishes can be filtered on with eq, ne, co, sw, ew and pr, joined by and, or and
not; a value path (`emails[value eq "x"]`) too. Ordering operators (gt, lt...) and attributes Pathways does
not publish are refused with invalidFilter, which names what is not supported.
"""

from typing import Any

from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path.expressions import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)
from sqlalchemy import ColumnElement, and_, false, func, not_, or_, true

from pathways.careers.models import Role
from pathways.errors import shown
from pathways.org.models import Employee, EmploymentStatus, Region, Site
from pathways.scim.models import ScimIdentity
from pathways.scim.schemas import CORE_USER, ENTERPRISE_USER

MAX_FILTER = 1000
# (schema, attribute, sub-attribute) -> (column, compared ignoring case)
Columns = dict[tuple[str, str, str], tuple[Any, bool]]
ENTERPRISE_ATTRIBUTES = {"employeenumber", "department", "division", "organization", "manager"}


def _columns() -> Columns:
    """(schema, attribute, sub-attribute) -> (column, compared ignoring case)."""
    core, enterprise = CORE_USER.lower(), ENTERPRISE_USER.lower()
    user_name = func.coalesce(ScimIdentity.user_name, Employee.email)
    return {
        (core, "username", ""): (user_name, True),
        (core, "externalid", ""): (ScimIdentity.external_id, False),
        (core, "displayname", ""): (Employee.name, True),
        (core, "title", ""): (Role.code, True),
        (core, "emails", ""): (Employee.email, True),
        (core, "emails", "value"): (Employee.email, True),
        (enterprise, "employeenumber", ""): (Employee.employee_number, True),
        (enterprise, "department", ""): (Site.code, True),
        (enterprise, "division", ""): (Region.code, True),
        (enterprise, "organization", ""): (Region.name, True),
    }


def condition(expression: str) -> ColumnElement[bool]:
    if len(expression) > MAX_FILTER:
        raise InvalidFilterException(detail=f"The filter is longer than {MAX_FILTER} characters.")
    return _node(ScimFilter(expression).ast, _columns(), None)


def _key(path: AttrPath, parent: AttrPath | None) -> tuple[str, str, str]:
    named = path.uri or (parent.uri if parent else None)
    attr = (parent or path).attr.lower()
    sub = path.attr if parent else path.sub_attr
    # An attribute named without its schema is looked up in the core schema first, then the extension.
    default = ENTERPRISE_USER if attr in ENTERPRISE_ATTRIBUTES else CORE_USER
    return (named or default).lower(), attr, (sub or "").lower()


def _node(node: FilterNode, columns: Columns,
          parent: AttrPath | None) -> ColumnElement[bool]:  # fmt: skip
    if isinstance(node, LogicalExpr):
        terms = [_node(term, columns, parent) for term in node.terms]
        return and_(*terms) if node.op == LogicalOperator.and_ else or_(*terms)
    if isinstance(node, Not):
        return not_(_node(node.expr, columns, parent))
    if isinstance(node, ValuePath):
        return _node(node.val_filter, columns, node.attr_path)
    if isinstance(node, Present):
        key = _key(node.attr_path, parent)
        if key[1] == "id" or key[1] == "active":
            return true()
        if key[1] == "manager":
            return Employee.manager_id.is_not(None)
        column, _ = _column(columns, key, node.attr_path)
        return and_(column.is_not(None), column != "")
    if isinstance(node, Comparison):
        return _comparison(node, columns, parent)
    raise InvalidFilterException(detail="This filter is not supported.")


def _column(columns: Columns, key: tuple[str, str, str],
            path: AttrPath) -> tuple[Any, bool]:  # fmt: skip
    if key not in columns:
        raise InvalidFilterException(
            detail=f"Filtering on {shown(str(path))} is not supported; filter on userName, externalId, "
            "emails, displayName, title, active, id, employeeNumber, department, division or manager."
        )
    return columns[key]


def _comparison(node: Comparison, columns: Columns,
                parent: AttrPath | None) -> ColumnElement[bool]:  # fmt: skip
    key = _key(node.attr_path, parent)
    op, value = node.op, node.value
    if key[1] == "active":
        if op not in (CompareOperator.eq, CompareOperator.ne) or not isinstance(value, bool):
            raise InvalidFilterException(detail="active is compared with eq or ne and true or false.")
        active = Employee.status != EmploymentStatus.TERMINATED.value
        return active if (op == CompareOperator.eq) == value else not_(active)
    if key[1] in ("id", "manager"):
        column: Any = Employee.id if key[1] == "id" else Employee.manager_id
        if op not in (CompareOperator.eq, CompareOperator.ne):
            raise InvalidFilterException(detail=f"{key[1]} is compared with eq or ne.")
        number = _id(value)
        matched = column == number if number is not None else false()
        return matched if op == CompareOperator.eq else not_(matched)
    column, ignore_case = _column(columns, key, node.attr_path)
    if not isinstance(value, str):
        if value is None and op in (CompareOperator.eq, CompareOperator.ne):
            return column.is_(None) if op == CompareOperator.eq else column.is_not(None)
        raise InvalidFilterException(detail=f"{shown(str(node.attr_path))} is compared with a string.")
    if ignore_case:
        column, value = func.lower(column), value.lower()
    if op == CompareOperator.eq:
        return column == value
    if op == CompareOperator.ne:
        return or_(column.is_(None), column != value)
    if op == CompareOperator.co:
        return column.contains(value, autoescape=True)
    if op == CompareOperator.sw:
        return column.startswith(value, autoescape=True)
    if op == CompareOperator.ew:
        return column.endswith(value, autoescape=True)
    raise InvalidFilterException(
        detail=f"The {op.value} operator is not supported; use eq, ne, co, sw, ew or pr."
    )


def _id(value: Any) -> int | None:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
