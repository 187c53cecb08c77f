"""user.current, user.fields, user.get: the docs' requests replayed on both databases."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import insert

from leadcrm.users.service import utcnow
from leadcrm.users.tables import users
from tests.support import Api

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")

# user.fields as the documentation shows it, for the fields leadcrm has.
DOC_FIELD_TITLES = {
    "ID": "ID",
    "XML_ID": "External code",
    "ACTIVE": "Activity",
    "NAME": "First Name",
    "LAST_NAME": "Last Name",
    "SECOND_NAME": "Middle Name",
    "EMAIL": "E-Mail",
    "LAST_LOGIN": "Last Authorization",
    "DATE_REGISTER": "Registration Date",
    "TIME_ZONE": "TIME_ZONE",
    "PERSONAL_GENDER": "Gender",
    "PERSONAL_PROFESSION": "Profession",
    "PERSONAL_WWW": "Homepage",
    "PERSONAL_BIRTHDAY": "Date of Birth",
    "PERSONAL_PHONE": "Personal Phone",
    "PERSONAL_MOBILE": "Personal Mobile",
    "PERSONAL_CITY": "Residential City",
    "WORK_PHONE": "Company Phone",
    "WORK_COMPANY": "Company",
    "WORK_POSITION": "Job Title",
    "WORK_DEPARTMENT": "Department",
    "UF_DEPARTMENT": "Units",
    "UF_PHONE_INNER": "Extension",
    "USER_TYPE": "USER_TYPE",
}
BRIEF_HIDDEN = {
    "EMAIL",
    "LAST_LOGIN",
    "PERSONAL_WWW",
    "PERSONAL_PHONE",
    "PERSONAL_MOBILE",
    "WORK_PHONE",
    "WORK_COMPANY",
    "WORK_DEPARTMENT",
    "USER_TYPE",
}
BASIC_HIDDEN = {"LAST_LOGIN", "PERSONAL_WWW", "USER_TYPE"}


def add_users(api: Api, *rows: dict[str, Any]) -> list[int]:
    """Users with the given columns, made in one transaction; their ids in order."""
    defaults = {
        "active": True,
        "date_register": utcnow(),
        "uf_department": ",1,",
        "user_type": "employee",
    }
    with api.runtime.engine.begin() as conn:
        return [
            conn.execute(
                insert(users).values({**defaults, **row}).returning(users.c.id)
            ).scalar_one()
            for row in rows
        ]


def ids(result: list[dict[str, Any]]) -> list[str]:
    return [item["ID"] for item in result]


# -- user.current --------------------------------------------------------------------------


def test_user_current_has_the_documented_shape(api: Api) -> None:
    result = api.call("user.current")
    assert result["ID"] == "1"
    assert result["ACTIVE"] is True
    assert (result["NAME"], result["LAST_NAME"], result["EMAIL"]) == ("Administrator", "", "")
    assert result["UF_DEPARTMENT"] == [1]
    assert ISO_WITH_OFFSET.match(result["DATE_REGISTER"])
    assert result["LAST_LOGIN"] == ""
    assert result["PERSONAL_BIRTHDAY"] == ""
    assert result["PERSONAL_GENDER"] == ""
    assert result["USER_TYPE"] == "employee"
    assert list(result) == list(DOC_FIELD_TITLES)


@pytest.mark.parametrize("settings_overrides", [{"timezone": "Europe/Berlin"}])
def test_user_dates_carry_the_portal_offset(api: Api) -> None:
    (user_id,) = add_users(
        api,
        {
            "name": "Dated",
            "date_register": datetime(2024, 7, 22, 12, 0, 0),
            "last_login": datetime(2024, 1, 23, 8, 7, 26),
            "personal_birthday": date(1990, 5, 17),
        },
    )
    _, prefix = api.new_webhook(scopes=["user"], user_id=user_id)
    result = api.as_user(prefix).call("user.current")
    assert result["DATE_REGISTER"] == "2024-07-22T14:00:00+02:00"
    assert result["LAST_LOGIN"] == "2024-01-23T09:07:26+01:00"
    assert result["PERSONAL_BIRTHDAY"] == "1990-05-17T00:00:00+02:00"


# -- user.fields ---------------------------------------------------------------------------


def test_user_fields_uses_the_documented_titles(api: Api) -> None:
    assert api.call("user.fields") == DOC_FIELD_TITLES


@pytest.mark.parametrize(
    ("scope", "hidden"), [("user_brief", BRIEF_HIDDEN), ("user_basic", BASIC_HIDDEN)]
)
def test_limited_user_scopes_read_only_their_fields(api: Api, scope: str, hidden: set[str]) -> None:
    """user-scope.md: user_brief has no contact details; user_basic no personal extras."""
    (user_id,) = add_users(
        api,
        {
            "name": "Ann",
            "email": "ann@example.com",
            "work_phone": "+1 555",
            "user_type": "employee",
        },
    )
    _, prefix = api.new_webhook(scopes=[scope], user_id=user_id)
    as_user = api.as_user(prefix)
    visible = [name for name in DOC_FIELD_TITLES if name not in hidden]
    assert list(as_user.call("user.fields")) == visible
    assert list(as_user.call("user.current")) == visible
    listed = as_user.call("user.get", {"filter": {"ID": user_id}})
    assert [list(item) for item in listed] == [visible]
    # A hidden field is skipped by select, as an unknown one is; filtering on it is refused.
    assert as_user.call(
        "user.get", {"select": ["ID", "EMAIL", "USER_TYPE"], "filter": {"ID": 1}}
    ) == ([{"ID": "1", "EMAIL": ""}] if scope == "user_basic" else [{"ID": "1"}])
    status, body = as_user.error("user.get", {"filter": {"USER_TYPE": "employee"}})
    assert (status, body) == (
        400,
        {"error": "", "error_description": "Filter field 'USER_TYPE' is not supported."},
    )


def test_user_and_a_limited_scope_together_read_everything(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=["user_brief", "user"])
    assert list(api.as_user(prefix).call("user.current")) == list(DOC_FIELD_TITLES)


# -- user.get: the documented requests -----------------------------------------------------


def test_user_get_documented_top_level_filter_sort_order_start(api: Api) -> None:
    """{"UF_DEPARTMENT": 1, "SORT": "ID", "ORDER": "asc", "start": 10}."""
    made = add_users(api, *({"name": f"D{i}"} for i in range(14)))
    add_users(api, {"name": "Elsewhere", "uf_department": ",2,"})
    body = api.post(
        "user.get", {"UF_DEPARTMENT": 1, "SORT": "ID", "ORDER": "asc", "start": 10}
    ).json()
    assert ids(body["result"]) == [str(i) for i in made[9:]]
    assert body["total"] == 15
    assert "next" not in body
    desc = api.call("user.get", {"UF_DEPARTMENT": 1, "SORT": "ID", "ORDER": "DESC"})
    assert ids(desc) == [str(i) for i in reversed([1, *made])]


def test_user_get_documented_name_pattern(api: Api) -> None:
    """{"filter": {"NAME": "Iv%"}}: "a name starting with" (`=NAME` stays exact)."""
    ivan, ivy, _, _ = add_users(
        api, {"name": "Ivan"}, {"name": "ivy"}, {"name": "Oliv"}, {"name": "Iv%"}
    )
    assert ids(api.call("user.get", {"filter": {"NAME": "Iv%"}})) == [
        str(ivan),
        str(ivy),
        str(ivy + 2),
    ]
    assert ids(api.call("user.get", {"filter": {"=NAME": "Iv%"}})) == [str(ivy + 2)]
    assert ids(api.call("user.get", {"filter": {"NAME": "Ivan"}})) == [str(ivan)]
    assert ids(api.call("user.get", {"NAME": "%liv"})) == [str(ivy + 1)]


def test_user_get_documented_not_containing(api: Api) -> None:
    """{"filter": {"!%LAST_NAME": "an"}}."""
    made = add_users(
        api,
        {"name": "A", "last_name": "Morgan"},
        {"name": "B", "last_name": "Smith"},
        {"name": "C"},
    )
    result = api.call("user.get", {"filter": {"!%LAST_NAME": "an"}})
    assert ids(result) == ["1", str(made[1]), str(made[2])]


def test_user_get_documented_in_list(api: Api) -> None:
    """{"filter": {"@PERSONAL_CITY": ["New York", "Los Angeles"]}}."""
    made = add_users(
        api,
        {"name": "A", "personal_city": "New York"},
        {"name": "B", "personal_city": "Boston"},
        {"name": "C", "personal_city": "Los Angeles"},
    )
    result = api.call("user.get", {"filter": {"@PERSONAL_CITY": ["New York", "Los Angeles"]}})
    assert ids(result) == [str(made[0]), str(made[2])]
    assert ids(api.call("user.get", {"filter": {"!@PERSONAL_CITY": ["Boston"]}})) == [
        "1",
        str(made[0]),
        str(made[2]),
    ]


def test_user_get_documented_get_with_active_filter_and_select(api: Api) -> None:
    """user.get.json?FILTER[ACTIVE]=true&select[]=ID&select[]=NAME."""
    made = add_users(api, {"name": "Gone", "active": False}, {"name": "Here"})
    response = api.client.get(
        api.prefix + "user.get.json?FILTER[ACTIVE]=true&select[]=ID&select[]=NAME"
    )
    assert response.json()["result"] == [
        {"ID": "1", "NAME": "Administrator"},
        {"ID": str(made[1]), "NAME": "Here"},
    ]
    everyone = api.call("user.get", {"select": ["ID", "ACTIVE"]})
    assert [u["ACTIVE"] for u in everyone] == [True, False, True]
    assert ids(api.call("user.get", {"FILTER": {"ACTIVE": "N"}})) == [str(made[0])]


# -- user.get: paging ----------------------------------------------------------------------


def test_user_get_pages_by_fifty_with_next_and_total(api: Api) -> None:
    made = add_users(api, *({"name": f"P{i:02}"} for i in range(60)))
    everyone = ["1", *map(str, made)]
    first = api.post("user.get", {"select": ["ID"]}).json()
    assert (ids(first["result"]), first["next"], first["total"]) == (everyone[:50], 50, 61)
    second = api.post("user.get", {"select": ["ID"], "start": first["next"]}).json()
    assert (ids(second["result"]), second["total"]) == (everyone[50:], 61)
    assert "next" not in second
    beyond = api.post("user.get", {"select": ["ID"], "start": 100}).json()
    assert (beyond["result"], beyond["total"]) == ([], 61)
    assert "next" not in beyond
    by_query = api.get("user.get", "select[]=ID&start=50").json()
    assert ids(by_query["result"]) == everyone[50:]


def test_user_get_start_minus_one_skips_the_count(api: Api) -> None:
    made = add_users(api, *({"name": f"Q{i:02}"} for i in range(55)))
    body = api.post("user.get", {"select": ["ID"], "start": -1}).json()
    assert ids(body["result"]) == ["1", *map(str, made[:49])]
    assert list(body) == ["result", "time"]
    page = api.post("user.get", {"select": ["ID"], "start": "-1", "filter": {">ID": made[48]}})
    assert ids(page.json()["result"]) == list(map(str, made[49:]))


def test_user_get_refuses_an_absurd_start(api: Api) -> None:
    for start, description in (
        ("abc", "Parameter 'start' must be an integer."),
        ("-2", "Parameter 'start' is out of range."),
        ("99999999999", "Parameter 'start' is out of range."),
    ):
        assert api.error("user.get", {"start": start}) == (
            400,
            {"error": "", "error_description": description},
        ), start


def test_user_get_sorts_by_any_field_with_id_as_tie_breaker(api: Api) -> None:
    # Names that order alike under any collation (C or en_US).
    made = add_users(api, {"name": "Bob"}, {"name": "Amy"}, {"name": "Bob"}, {"name": "Cid"})
    result = api.call("user.get", {"sort": "NAME", "order": "DESC", "select": ["ID"]})
    # The id breaks ties in the direction of the sort: the later Bob first.
    assert ids(result) == [str(made[3]), str(made[2]), str(made[0]), str(made[1]), "1"]
    result = api.call("user.get", {"sort": "name", "select": ["ID"]})
    assert ids(result) == ["1", str(made[1]), str(made[0]), str(made[2]), str(made[3])]


def test_user_get_select(api: Api) -> None:
    assert api.call("user.get", {"select": ["EMAIL", "NOPE", "name"]}) == [
        {"ID": "1", "NAME": "Administrator", "EMAIL": ""}
    ]
    assert list(api.call("user.get", {"select": ["*"]})[0]) == list(DOC_FIELD_TITLES)
    assert list(api.call("user.get", {"select": "NAME"})[0]) == ["ID", "NAME"]


def test_user_get_filter_by_id_email_and_department(api: Api) -> None:
    made = add_users(
        api,
        {"name": "A", "email": "a@example.com", "uf_department": ",2,3,"},
        {"name": "B", "email": "b@example.com", "uf_department": ",3,"},
    )
    assert ids(api.call("user.get", {"filter": {"ID": made[1]}})) == [str(made[1])]
    assert ids(api.call("user.get", {"filter": {"EMAIL": "a@example.com"}})) == [str(made[0])]
    assert ids(api.call("user.get", {"filter": {"UF_DEPARTMENT": 3}})) == list(map(str, made))
    assert ids(api.call("user.get", {"filter": {"UF_DEPARTMENT": "2"}})) == [str(made[0])]
    assert api.call("user.get", {"filter": {"UF_DEPARTMENT": 4}}) == []
    result = api.call("user.get", {"filter": {"ID": made[0]}, "select": ["UF_DEPARTMENT"]})
    assert result == [{"ID": str(made[0]), "UF_DEPARTMENT": [2, 3]}]


def test_user_get_documented_extra_filter_keys(api: Api) -> None:
    """NAME_SEARCH (quick search by personal data) and IS_ONLINE (nobody is online here)."""
    made = add_users(
        api,
        {"name": "Gleb", "last_name": "Titov", "email": "g.titov@example.com"},
        {"name": "Anna", "last_name": "Glebova"},
        {"name": "Ivan", "second_name": "Egorovich"},
    )
    search = lambda text: ids(api.call("user.get", {"filter": {"NAME_SEARCH": text}}))  # noqa: E731
    assert search("gleb") == [str(made[0]), str(made[1])]
    assert search("Gleb Titov") == [str(made[0])]
    assert search("example.com") == [str(made[0])]
    assert search("egor") == [str(made[2])]
    assert search("nobody") == []
    assert api.call("user.get", {"filter": {"IS_ONLINE": "Y"}}) == []
    assert len(api.call("user.get", {"filter": {"IS_ONLINE": "N"}})) == 4
    assert api.error("user.get", {"filter": {"IS_ONLINE": "maybe"}}) == (
        400,
        {"error": "", "error_description": "Invalid filter value for field 'IS_ONLINE'."},
    )
    assert "NAME_SEARCH" not in api.call("user.fields")
    assert "IS_ONLINE" not in api.call("user.get", {"select": ["*", "IS_ONLINE"]})[0]


def test_user_get_ignores_unknown_top_level_parameters(api: Api) -> None:
    """Without FILTER, top-level names that are user fields filter; anything else is ignored."""
    made = add_users(api, {"name": "Zed"})
    result = api.call("user.get", {"NAME": "Zed", "limit": 5, "_": "1", "ADMIN_MODE": True})
    assert ids(result) == [str(made[0])]
    assert ids(api.call("user.get", {"nonsense": "x"})) == ["1", str(made[0])]


def test_user_get_refuses_unknown_fields_inside_filter(api: Api) -> None:
    """Policy: inside an explicit FILTER an unknown key is an error, as in the CRM lists."""
    assert api.error("user.get", {"filter": {"NOPE": 1}}) == (
        400,
        {"error": "", "error_description": "Filter field 'NOPE' is not supported."},
    )


def test_user_get_writes_nothing_and_counts_in_one_transaction(api: Api) -> None:
    made = add_users(api, *({"name": f"T{i}"} for i in range(3)))
    body = api.post("user.get", {"filter": {">=ID": made[0]}, "select": ["ID"]}).json()
    assert (ids(body["result"]), body["total"]) == (list(map(str, made)), 3)
