"""The application shell: health check, and no redirects anywhere."""

from starlette.testclient import TestClient


def test_healthz_answers_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


def test_paths_with_or_without_a_slash_are_never_redirected(client: TestClient) -> None:
    for path in ("/healthz/", "/rest", "/rest/"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code not in (301, 302, 307, 308), path
