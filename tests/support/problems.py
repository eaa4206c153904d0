"""Assertions shared by the API suites."""


def assert_problem(response, status: int, code: str) -> dict:
    """The response is an RFC 9457 problem with this status and machine code; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == code and body["status"] == status
    return body
