"""batch: up to 50 commands, each a plain call of its own, with $result references."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, insert, select

from leadcrm.users.service import utcnow
from leadcrm.users.tables import users
from tests.rest.conftest import BULK_RUNS
from tests.support import Api

pytestmark = pytest.mark.usefixtures("test_methods")

SIX_TIME_KEYS = ["start", "finish", "duration", "processing", "date_start", "date_finish"]
NOT_FOUND = {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}
NOT_IN_BATCH = {
    "error": "ERROR_BATCH_METHOD_NOT_ALLOWED",
    "error_description": "Method is not allowed for batch usage",
}
INSUFFICIENT_SCOPE = {
    "error": "insufficient_scope",
    "error_description": (
        "The request requires higher privileges than provided by the webhook token"
    ),
}
RESULT_KEYS = ["result", "result_error", "result_total", "result_next", "result_time"]


def batch(api: Api, params: dict[str, Any]) -> dict[str, Any]:
    """The batch's result, after checking it answered 200 with every key, as documented."""
    response = api.post("batch", params)
    body = response.json()
    assert response.status_code == 200, body
    assert list(body) == ["result", "time"]
    assert list(body["result"]) == RESULT_KEYS
    result: dict[str, Any] = body["result"]
    return result


def unresolved(reference: str) -> dict[str, str]:
    return {
        "error": "INVALID_REQUEST",
        "error_description": f"Unresolved batch reference: {reference}",
    }


def user_count(api: Api) -> int:
    with api.runtime.engine.connect() as conn:
        count: int = conn.execute(select(func.count()).select_from(users)).scalar_one()
    return count


def test_the_documented_independent_calls(api: Api) -> None:
    """batch.md: user.current, department.get and app.info with halt 0 through a webhook."""
    result = batch(
        api,
        {
            "halt": 0,
            "cmd": {
                "get_user": "user.current",
                "get_departments": "department.get",
                "get_app": "app.info",
            },
        },
    )
    assert list(result["result"]) == ["get_user"]
    assert result["result"]["get_user"]["ID"] == "1"
    assert result["result"]["get_user"]["ACTIVE"] is True
    assert result["result"]["get_user"]["UF_DEPARTMENT"] == [1]
    assert result["result_error"] == {
        "get_departments": NOT_FOUND,
        "get_app": {
            "error": "ACCESS_DENIED",
            "error_description": "Access denied! Application context required",
        },
    }
    assert result["result_total"] == []
    assert result["result_next"] == []
    assert list(result["result_time"]) == ["get_user"]
    assert list(result["result_time"]["get_user"]) == SIX_TIME_KEYS


def test_the_documented_linked_call_substitutes_a_nested_reference(api: Api) -> None:
    """batch.md's linked example, with user.get standing in for department.get."""
    result = batch(
        api,
        {
            "halt": 0,
            "cmd": {
                "get_user": "user.current",
                "same_department": "user.get?FILTER[UF_DEPARTMENT]="
                "$result[get_user][UF_DEPARTMENT][0]&select[]=ID",
                "department": "test.echo?ID=$result[get_user][UF_DEPARTMENT][0]",
            },
        },
    )
    assert result["result_error"] == []
    assert result["result"]["same_department"] == [{"ID": "1"}]
    assert result["result"]["department"] == {"ID": 1}
    assert result["result_total"] == {"same_department": 1}


def test_references_to_fields_list_items_and_whole_results(api: Api) -> None:
    result = batch(
        api,
        {
            "cmd": {
                "me": "user.current",
                "list": "user.get?select[]=ID&select[]=NAME",
                "scopes": "scope",
                "echo": (
                    "test.echo?id=$result[me][ID]&first=$result[list][0][ID]"
                    "&all=$result[scopes]&text=user $result[me][NAME] (#$result[list][0][ID])"
                    "&deep[a][]=$result[list][0][NAME]"
                ),
            }
        },
    )
    assert result["result_error"] == []
    assert result["result"]["echo"] == {
        "id": "1",
        "first": "1",
        "all": ["basic", "crm", "placement", "user"],
        "text": "user Administrator (#1)",
        "deep": {"a": ["Administrator"]},
    }


def test_references_are_substituted_after_decoding(api: Api) -> None:
    """A value holding `&` or `=` cannot split the command once substituted."""
    result = batch(
        api,
        {
            "cmd": {
                "first": "test.echo?v=a%26b%3Dc",
                "second": "test.echo?copy=$result[first][v]&x=1",
                "encoded": "test.echo?copy=%24result%5Bfirst%5D%5Bv%5D",
            }
        },
    )
    assert result["result"]["second"] == {"copy": "a&b=c", "x": "1"}
    assert result["result"]["encoded"] == {"copy": "a&b=c"}


def test_an_unresolvable_reference_fails_only_its_command(api: Api) -> None:
    broken = {
        "b1": "$result[missing]",
        "b2": "$result[me][NOPE]",
        "b3": "$result[me][UF_DEPARTMENT][5]",
        "b4": "$result[me][UF_DEPARTMENT][²]",
        "b5": "$result[failed][ID]",
        "b6": "$result[later]",
        "b7": "$result[me][ID][deeper]",
    }
    result = batch(
        api,
        {
            "cmd": {
                "me": "user.current",
                "failed": "no.such.method",
                **{key: f"test.echo?x={reference}" for key, reference in broken.items()},
                "later": "server.time",
            }
        },
    )
    assert list(result["result"]) == ["me", "later"]
    assert result["result_error"] == {
        "failed": NOT_FOUND,
        **{key: unresolved(reference) for key, reference in broken.items()},
    }


def test_a_structure_cannot_be_placed_inside_a_string(api: Api) -> None:
    result = batch(api, {"cmd": {"me": "user.current", "bad": "test.echo?x=dept $result[me]"}})
    assert result["result_error"] == {
        "bad": unresolved("a structure cannot be placed inside a string")
    }


def test_an_integer_keyed_result_is_reachable_by_reference(api: Api) -> None:
    result = batch(
        api, {"cmd": {"v": "test.value?kind=int_keys", "e": "test.echo?x=$result[v][7][x]"}}
    )
    assert result["result"]["e"] == {"x": "y"}


def test_halt_defaults_to_running_every_command(api: Api) -> None:
    result = batch(api, {"cmd": {"a": "no.such", "b": "server.time", "c": "no.such.either"}})
    assert list(result["result"]) == ["b"]
    assert list(result["result_error"]) == ["a", "c"]


def test_halt_stops_after_the_first_error(api: Api) -> None:
    before = user_count(api)
    for halt in (1, True, "1", "true", "Y"):
        result = batch(
            api,
            {
                "halt": halt,
                "cmd": {"a": "test.write?name=A", "b": "no.such", "c": "test.write?name=C"},
            },
        )
        assert list(result["result"]) == ["a"], halt
        assert result["result_error"] == {"b": NOT_FOUND}, halt
        assert list(result["result_time"]) == ["a"], halt
    assert user_count(api) == before + 5


def test_halt_off_runs_everything(api: Api) -> None:
    for halt in (0, False, "0", "false", "N", ""):
        result = batch(api, {"halt": halt, "cmd": {"a": "no.such", "b": "server.time"}})
        assert (list(result["result"]), list(result["result_error"])) == (["b"], ["a"]), halt


def test_a_list_of_commands_answers_lists(api: Api) -> None:
    result = batch(api, {"cmd": ["server.time", "scope", "method.get?name=batch"]})
    assert isinstance(result["result"], list)
    assert result["result"][1] == ["basic", "crm", "placement", "user"]
    assert result["result"][2] == {"isExisting": True, "isAvailable": True}
    assert result["result_error"] == []
    assert [list(t) for t in result["result_time"]] == [SIX_TIME_KEYS] * 3


def test_a_list_with_a_gap_answers_maps_keyed_by_position(api: Api) -> None:
    """As PHP's json_encode writes an array whose keys are not 0..n-1."""
    result = batch(api, {"cmd": ["server.time", "no.such", "test.echo?a=$result[0]"]})
    assert list(result["result"]) == ["0", "2"]
    assert result["result"]["2"] == {"a": result["result"]["0"]}
    assert result["result_error"] == {"1": NOT_FOUND}


def test_when_every_command_fails_every_map_is_an_empty_array(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=[])
    response = api.as_user(prefix).post(
        "batch", {"halt": 0, "cmd": {"get_user": "user.current", "get_department": "user.get"}}
    )
    assert response.status_code == 200
    assert response.json()["result"] == {
        "result": [],
        "result_error": {"get_user": INSUFFICIENT_SCOPE, "get_department": INSUFFICIENT_SCOPE},
        "result_total": [],
        "result_next": [],
        "result_time": [],
    }


def test_no_commands_is_an_empty_batch(api: Api) -> None:
    for cmd in ({}, []):
        assert batch(api, {"cmd": cmd}) == {key: [] for key in RESULT_KEYS}


def test_cmd_must_be_an_array(api: Api) -> None:
    expected = {
        "error": "INVALID_REQUEST",
        "error_description": "Parameter 'cmd' must be an array of commands",
    }
    for params in ({}, {"cmd": "server.time"}, {"cmd": 5}, {"halt": 1}):
        assert api.error("batch", params) == (400, expected), params


def test_a_command_that_is_not_a_query_string_fails_alone(api: Api) -> None:
    result = batch(api, {"cmd": {"a": "  ", "b": 5, "c": ["x"], "d": "server.time"}})
    bad = {
        "error": "INVALID_REQUEST",
        "error_description": "A batch command must be a 'method?parameters' string",
    }
    assert result["result_error"] == {"a": bad, "b": bad, "c": bad}
    assert list(result["result"]) == ["d"]


def test_commands_in_the_sdk_object_form(api: Api) -> None:
    """The JS and PHP SDKs' {method, params} form (optional in the docs; accepted)."""
    result = batch(
        api,
        {
            "cmd": {
                "me": {"method": "user.current", "params": {}},
                "echo": {"method": "test.echo", "params": {"ID": "$result[me][ID]"}},
            }
        },
    )
    assert result["result"]["echo"] == {"ID": "1"}


def test_fifty_commands_run(api: Api) -> None:
    result = batch(api, {"cmd": {f"c{i}": f"test.echo?i={i}" for i in range(50)}})
    assert result["result"] == {f"c{i}": {"i": str(i)} for i in range(50)}


def test_fifty_one_commands_are_refused_whole_and_nothing_runs(api: Api) -> None:
    before = user_count(api)
    commands = [f"test.write?name=W{i}" for i in range(51)]
    expected = {
        "error": "ERROR_BATCH_LENGTH_EXCEEDED",
        "error_description": "Max batch length exceeded",
    }
    query = "&".join(f"cmd[{i}]={quote(c, safe='')}" for i, c in enumerate(commands))
    response = api.get("batch", query)
    assert (response.status_code, response.json()) == (400, expected)
    assert api.error("batch", {"cmd": commands}) == (400, expected)
    keyed = {f"k{i}": c for i, c in enumerate(commands)}
    assert api.error("batch", {"cmd": keyed, "halt": 0}) == (400, expected)
    assert user_count(api) == before
    assert api.call("server.time")


def test_a_batch_inside_a_batch_is_refused(api: Api) -> None:
    result = batch(
        api,
        {
            "cmd": {
                "plain": "batch?cmd[0]=server.time",
                "upper": "BATCH",
                "mixed": "Batch?cmd[a]=user.current",
                "object": {"method": "batch", "params": {"cmd": ["scope"]}},
                "after": "server.time",
            }
        },
    )
    assert result["result_error"] == dict.fromkeys(
        ["plain", "upper", "mixed", "object"], NOT_IN_BATCH
    )
    assert list(result["result"]) == ["after"]


def test_each_command_has_the_callers_scopes(api: Api) -> None:
    _, prefix = api.new_webhook(scopes=["user_brief"])
    response = api.as_user(prefix).post(
        "batch", {"cmd": {"ok": "user.current", "crm": "crm.settings.mode.get"}}
    )
    result = response.json()["result"]
    assert list(result["result"]) == ["ok"]
    assert result["result_error"] == {"crm": INSUFFICIENT_SCOPE}


def test_each_command_fails_or_succeeds_alone(api: Api) -> None:
    before = user_count(api)
    result = batch(
        api,
        {
            "cmd": {
                "a": "test.write?name=Kept",
                "b": "test.write?name=Refused&fail=rest",
                "c": "test.write?name=Crashed&fail=crash",
                "d": "test.write?name=AlsoKept",
            }
        },
    )
    assert result["result_error"] == {
        "b": {"error": "", "error_description": "Refused after writing."},
        "c": {"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal server error"},
    }
    assert user_count(api) == before + 2
    names = [u["NAME"] for u in api.call("user.get", {"filter": {">ID": 1}})]
    assert names == ["Kept", "AlsoKept"]


def test_commands_run_in_key_order(api: Api) -> None:
    result = batch(
        api,
        {
            "cmd": {
                "z": "test.write?name=first",
                "a": "test.write?name=second",
                "m": "test.write?name=third",
            }
        },
    )
    assert list(result["result"]) == ["z", "a", "m"]
    assert result["result"]["z"] < result["result"]["a"] < result["result"]["m"]


def test_list_commands_report_total_and_next(api: Api) -> None:
    with api.runtime.engine.begin() as conn:
        conn.execute(
            insert(users), [{"name": f"U{i}", "date_register": utcnow()} for i in range(55)]
        )
    result = batch(
        api,
        {
            "cmd": {
                "page1": "user.get?select[]=ID",
                "page2": "user.get?select[]=ID&start=$result_next_is_not_a_reference",
                "last": "user.get?select[]=ID&start=50",
                "nocount": "user.get?select[]=ID&start=-1",
            }
        },
    )
    assert result["result_total"] == {"page1": 56, "last": 56}
    assert result["result_next"] == {"page1": 50}
    assert len(result["result"]["page1"]) == 50
    assert len(result["result"]["last"]) == 6
    assert len(result["result"]["nocount"]) == 50
    assert result["result_error"] == {
        "page2": {"error": "", "error_description": "Parameter 'start' must be an integer."}
    }


def test_a_batch_sent_as_get_with_double_encoded_commands(api: Api) -> None:
    """data-encoding.md: cmd[0]=crm.lead.add%3Ffields%5BTITLE%5D%3DJohn%2526Martin."""
    response = api.get(
        "batch",
        "cmd[0]=test.echo%3Ffields%5BTITLE%5D%3DJohn%2526Martin"
        "&cmd[1]=method.get%3Fname%3Duser.get&halt=0",
    )
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["result"] == [
        {"fields": {"TITLE": "John&Martin"}},
        {"isExisting": True, "isAvailable": True},
    ]


def test_a_batch_sent_as_a_form(api: Api) -> None:
    fields = {"cmd[me]": "user.current", "cmd[echo]": "test.echo?id=$result[me][ID]"}
    files = {key: (None, value) for key, value in fields.items()}
    for response in (
        api.client.post(api.prefix + "batch", data=fields),
        api.client.post(api.prefix + "batch", files=files),
    ):
        assert response.status_code == 200
        assert response.json()["result"]["result"]["echo"] == {"id": "1"}


def test_batch_in_xml(api: Api) -> None:
    response = api.client.post(
        api.prefix + "batch.xml", json={"cmd": {"get_user": "user.current", "x": "no.such"}}
    )
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.findtext("result/result/get_user/ID") == "1"
    assert root.findtext("result/result_error/x/error") == "ERROR_METHOD_NOT_FOUND"
    assert root.find("result/result_total") is not None
    assert root.find("time/duration") is not None


def test_method_names_and_parameters_inside_commands_match_in_any_case(api: Api) -> None:
    result = batch(
        api,
        {"CMD": {"a": "Method.Get?NAME=User.Current", "b": "USER.GET?SELECT[]=ID&FILTER[ID]=1"}},
    )
    assert result["result"] == {"a": {"isExisting": True, "isAvailable": True}, "b": [{"ID": "1"}]}


def test_a_run_of_commands_with_a_bulk_handler_is_handed_over_at_once(api: Api) -> None:
    before = user_count(api)
    result = batch(
        api,
        {
            "cmd": {
                "a": "test.bulk?name=A",
                "b": "test.bulk?name=B",
                "c": "test.write?name=C",
                "d": "test.bulk?name=D",
                "e": "test.bulk?name=E",
            }
        },
    )
    assert BULK_RUNS == [["A", "B"], ["D", "E"]]
    assert result["result_error"] == []
    assert list(result["result"]) == ["a", "b", "c", "d", "e"]
    ids = list(result["result"].values())
    assert ids == sorted(ids)
    assert user_count(api) == before + 5
    assert list(result["result_time"]) == ["a", "b", "c", "d", "e"]
    assert all(list(t) == SIX_TIME_KEYS for t in result["result_time"].values())


def test_a_command_a_bulk_handler_refuses_fails_alone(api: Api) -> None:
    before = user_count(api)
    result = batch(
        api,
        {"cmd": ["test.bulk?name=A", "test.bulk?name=B&fail=rest", "test.bulk?name=C"]},
    )
    assert BULK_RUNS == [["A", "B", "C"]]
    assert result["result_error"] == {
        "1": {"error": "", "error_description": "Refused before writing."}
    }
    assert list(result["result"]) == ["0", "2"]
    assert user_count(api) == before + 2


def test_a_bulk_run_that_fails_whole_is_undone_and_run_one_by_one(api: Api) -> None:
    before = user_count(api)
    result = batch(
        api,
        {"cmd": ["test.bulk?name=A", "test.bulk?name=B&fail=crash", "test.bulk?name=C"]},
    )
    assert BULK_RUNS == [["A", "B", "C"]]
    assert result["result_error"] == {
        "1": {"error": "INTERNAL_SERVER_ERROR", "error_description": "Internal server error"}
    }
    # B was written by its single handler before it crashed, and undone with its savepoint.
    names = [u["NAME"] for u in api.call("user.get", {"filter": {">ID": 1}})]
    assert names == ["A", "C"]
    assert user_count(api) == before + 2


def test_a_command_reading_an_earlier_result_is_never_in_a_bulk_run(api: Api) -> None:
    result = batch(
        api,
        {
            "cmd": {
                "a": "test.bulk?name=A",
                "b": "test.bulk?name=$result[a]",
                "c": "test.bulk?name=C",
                "d": "test.bulk?name=D",
            }
        },
    )
    assert BULK_RUNS == [["C", "D"]]
    assert result["result_error"] == []
    names = [u["NAME"] for u in api.call("user.get", {"filter": {">ID": 1}})]
    assert names == ["A", str(result["result"]["a"]), "C", "D"]


def test_with_halt_every_command_runs_alone_and_nothing_after_an_error(api: Api) -> None:
    result = batch(
        api,
        {
            "halt": 1,
            "cmd": ["test.bulk?name=A", "test.bulk?name=B&fail=rest", "test.bulk?name=C"],
        },
    )
    assert BULK_RUNS == []
    assert len(result["result"]) == 1  # keyed 0: a list
    assert list(result["result_error"]) == ["1"]
