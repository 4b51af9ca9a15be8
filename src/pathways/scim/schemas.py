"""What /scim/v2 publishes and reads: the User resource as Pathways keeps a person, built on scim2-models.

Only the attributes Pathways stores are declared, so the Schemas endpoint tells an identity system exactly
what is kept (RFC 7643 §7 lets a service provider publish a subset). How they map:

    userName                      the name the identity system signs people in with (unique, any case)
    externalId                    the identity system's own id for the person
    displayName                   the person's name
    emails                        one work email, which is also their sign-in email here
    active                        false: employment ended, as status=terminated in the HR feed
    title                         the job role: a role code (published as canonicalValues)
    employeeNumber (enterprise)   the employee number the HR feed keys people by
    department (enterprise)       the site code (published as canonicalValues)
    division (enterprise)         the site's region code: read-only, it follows from the site; returned
                                  when asked for (attributes=...), as is organization
    organization (enterprise)     the region's name: read-only
    manager.value (enterprise)    the manager's SCIM id
"""

from typing import Annotated

from pydantic import Field
from scim2_models import (
    URN,
    AnyExtension,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Extension,
    Filter,
    Mutability,
    Pagination,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    Returned,
    Schema,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MEDIA_TYPE = "application/scim+json"
MAX_PAGE = 200  # the most resources one list response carries (ServiceProviderConfig filter.maxResults)
# Identity systems send more than Pathways keeps (name parts, phone numbers, addresses): ignored, not refused.
POLICY = ScimPolicy(unknown=ScimPolicy.Unknown.ignore)


class Email(ComplexAttribute):
    value: Annotated[str | None, Required.true] = None
    type: str | None = Field(None, examples=["work", "home", "other"])
    primary: bool | None = None


class Manager(ComplexAttribute):
    value: Annotated[str | None, Required.true, CaseExact.true] = None
    """The SCIM id of the person's manager."""

    ref: Annotated[Reference["User"] | None, Mutability.read_write] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    """Where the manager's resource is."""


class EnterpriseUser(Extension):
    """Enterprise User: where the person sits in the organisation."""

    __schema__ = URN(ENTERPRISE_USER)

    employee_number: Annotated[str | None, Required.true, CaseExact.false] = None
    """The employee number the HR feed keys people by."""

    organization: Annotated[str | None, Mutability.read_only, Returned.request] = None
    """The name of the region the person's site is in."""

    division: Annotated[str | None, Mutability.read_only, Returned.request] = None
    """The code of the region the person's site is in."""

    department: Annotated[str | None, Required.true] = None
    """The code of the person's site."""

    manager: Manager | None = None
    """The person's manager."""


class User(Resource[AnyExtension]):
    """A person in Pathways: an employee, with the account they sign in with."""

    __schema__ = URN(CORE_USER)

    user_name: Annotated[str | None, Required.true, Uniqueness.server, CaseExact.false] = None
    """The name the identity system signs the person in with."""

    display_name: Annotated[str | None, Required.true] = None
    """The person's name."""

    title: Annotated[str | None, Required.true] = None
    """The person's job role: a role code."""

    emails: Annotated[list[Email] | None, Required.true] = None
    """The person's work email; it is also their sign-in email."""

    active: Annotated[bool | None, Required.true] = None
    """False once the person's employment has ended: required, since Pathways must know whether someone
    works here; remove it and nothing changes (a PATCH remove is refused), set it to false instead."""


ScimUser = User[EnterpriseUser]


def user_schema(role_codes: list[str]) -> Schema:
    schema = User.to_schema()
    _suggest(schema, "title", role_codes)
    return schema


def enterprise_schema(site_codes: list[str]) -> Schema:
    schema = EnterpriseUser.to_schema()
    _suggest(schema, "department", site_codes)
    return schema


def _suggest(schema: Schema, name: str, values: list[str]) -> None:
    """Publish the values Pathways knows as canonicalValues: an identity system, or a tester, sees which
    job roles and sites exist."""
    for attribute in schema.attributes or []:
        if attribute.name == name:
            attribute.canonical_values = values or None


def user_resource_type() -> ResourceType:
    resource_type = ResourceType.from_resource(ScimUser)
    resource_type.description = "People: employees and their accounts"
    for extension in resource_type.schema_extensions or []:
        extension.required = True  # the employee number and the site are needed for every person
    return resource_type


def service_provider_config(documentation: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=documentation,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_PAGE),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        pagination=Pagination(
            cursor=False,
            index=True,
            default_pagination_method="index",
            default_page_size=100,
            max_page_size=MAX_PAGE,
        ),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A token made by `pathways scim token create --name NAME`",
                primary=True,
            )
        ],
    )
