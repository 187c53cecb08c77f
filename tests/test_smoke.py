from tests.support import Api


def test_user_current_answers_as_the_administrator(api: Api) -> None:
    result = api.call("user.current")
    assert result["ID"] == "1"
    assert result["ACTIVE"] is True
