"""Attack finding 9: a client's X-Request-ID was checked with `$`, which also accepts a trailing newline;
such an id went into the access log, the change history and every log line (and a response header)."""

from __future__ import annotations

import pytest

from audit.models import AccessEvent
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("incoming", ["abcdefgh-1234\n", "abcdefgh-1234\r\nSet-Cookie: x=1", "short", "a" * 65,
                                      "abcdefgh 1234", "abcdefgh<script>"])
def test_an_unsafe_request_id_is_replaced_before_it_is_stored(client, first_responder, incoming):
    sign_in(client, first_responder)
    response = client.get("/referrals/", HTTP_X_REQUEST_ID=incoming)
    assert response.status_code == 200
    assert response["X-Request-ID"] != incoming and len(response["X-Request-ID"]) == 32
    assert not AccessEvent.objects.filter(request_id__contains=incoming.strip()[:8]).exclude(
        request_id=response["X-Request-ID"]).exists()
    assert all("\n" not in rid and "\r" not in rid for rid in AccessEvent.objects.values_list("request_id", flat=True))


def test_a_well_formed_request_id_is_kept(client, first_responder):
    sign_in(client, first_responder)
    assert client.get("/referrals/", HTTP_X_REQUEST_ID="lb-req.0001_abc")["X-Request-ID"] == "lb-req.0001_abc"
