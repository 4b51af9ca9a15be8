"""Agents and Groups: validation, their Inverse Functional Identifier (IFI), and the `agent` parameter."""

import json
from typing import Any

from pathways.xapi.formats import MBOX, SHA1_HEX, Invalid, is_iri

IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_PROPERTIES = frozenset({"objectType", "name", *IFI_PROPERTIES})
GROUP_PROPERTIES = frozenset({*AGENT_PROPERTIES, "member"})


def _check_ifi(value: dict[str, Any], where: str) -> None:
    present = [p for p in IFI_PROPERTIES if p in value]
    if len(present) > 1:
        raise Invalid(where, f"has more than one inverse functional identifier ({', '.join(present)})")
    if "mbox" in value and (not isinstance(value["mbox"], str) or not MBOX.match(value["mbox"])):
        raise Invalid(f"{where}.mbox", "must be a mailto: IRI such as mailto:someone@example.com")
    if "mbox_sha1sum" in value and (
        not isinstance(value["mbox_sha1sum"], str) or not SHA1_HEX.match(value["mbox_sha1sum"])
    ):
        raise Invalid(f"{where}.mbox_sha1sum", "must be the 40 hex digits of a SHA-1")
    if "openid" in value and not is_iri(value["openid"]):
        raise Invalid(f"{where}.openid", "must be a URI")
    if "account" in value:
        account = value["account"]
        if not isinstance(account, dict):
            raise Invalid(f"{where}.account", "must be an object with homePage and name")
        unknown = set(account) - {"homePage", "name"}
        if unknown:
            raise Invalid(f"{where}.account", f"has unknown properties: {', '.join(sorted(unknown))}")
        if not is_iri(account.get("homePage")):
            raise Invalid(f"{where}.account.homePage", "is required and must be an IRL")
        if not isinstance(account.get("name"), str):
            raise Invalid(f"{where}.account.name", "is required and must be a string")
    if "name" in value and not isinstance(value["name"], str):
        raise Invalid(f"{where}.name", "must be a string")


def validate_agent(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise Invalid(where, "must be an Agent object")
    if value.get("objectType", "Agent") != "Agent":
        raise Invalid(f"{where}.objectType", "must be 'Agent'")
    if not AGENT_PROPERTIES.issuperset(value):
        unknown = set(value) - AGENT_PROPERTIES
        raise Invalid(where, f"has unknown properties: {', '.join(sorted(unknown))}")
    _check_ifi(value, where)
    if not any(p in value for p in IFI_PROPERTIES):
        raise Invalid(where, "needs exactly one of mbox, mbox_sha1sum, openid, account")


def validate_group(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise Invalid(where, "must be a Group object")
    if value.get("objectType") != "Group":
        raise Invalid(f"{where}.objectType", "must be 'Group'")
    unknown = set(value) - GROUP_PROPERTIES
    if unknown:
        raise Invalid(where, f"has unknown properties: {', '.join(sorted(unknown))}")
    _check_ifi(value, where)
    identified = any(p in value for p in IFI_PROPERTIES)
    if "member" in value or not identified:
        members = value.get("member")
        if not isinstance(members, list) or (not identified and not members):
            raise Invalid(f"{where}.member", "an anonymous Group needs a non-empty member list of Agents")
        for i, member in enumerate(members):
            if isinstance(member, dict) and member.get("objectType") == "Group":
                raise Invalid(f"{where}.member[{i}]", "a Group cannot contain a Group")
            validate_agent(member, f"{where}.member[{i}]")


def validate_actor(value: Any, where: str) -> None:
    if isinstance(value, dict) and value.get("objectType") == "Group":
        validate_group(value, where)
    else:
        validate_agent(value, where)


def ifi_key(value: dict[str, Any]) -> str | None:
    """One string per identity: equal keys mean the same Agent or identified Group."""
    if "mbox" in value:
        return f"mbox:{value['mbox']}"
    if "mbox_sha1sum" in value:
        return f"sha1:{str(value['mbox_sha1sum']).lower()}"
    if "openid" in value:
        return f"openid:{value['openid']}"
    account = value.get("account")
    if isinstance(account, dict):
        # An IRL holds no space, so the space cannot be confused with part of the home page.
        return f"account:{account.get('homePage')} {account.get('name')}"
    return None


def actor_keys(value: dict[str, Any]) -> list[str]:
    """The agent itself, and for a Group also each member: the agent filter matches a Group's members."""
    keys = [k for k in [ifi_key(value)] if k]
    if value.get("objectType") == "Group":
        keys += [k for m in value.get("member") or [] if isinstance(m, dict) for k in [ifi_key(m)] if k]
    return keys


def parse_agent_param(raw: str, name: str = "agent") -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        raise Invalid(name, "must be an Agent as JSON") from None
    if isinstance(value, dict) and value.get("objectType") == "Group":
        validate_group(value, name)
        if ifi_key(value) is None:
            raise Invalid(name, "must identify a Group by an inverse functional identifier")
    else:
        validate_agent(value, name)
    return value
