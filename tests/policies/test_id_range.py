"""An address whose id is larger than any database id answers 404, never a server error.

Django's <int:…> accepts any number of digits, and SQLite cannot compare a number beyond 64
bits: looked up through a relation (a styrdokument's pk is its page_ptr) it raised an
OverflowError, a 500, at the addresses below (policies.middleware.IdRangeMiddleware).
"""

import pytest

pytestmark = pytest.mark.django_db

TOO_LARGE = ("9223372036854775808", "99999999999999999999999999")
ADMIN_ADDRESSES = (
    "/admin/styrdokument/{}/foresla-upphavande/",
    "/admin/beslutshistorik/{}/",
    "/admin/revision/{}/",
    "/admin/revision/{}/paborja/",
    "/admin/revision/{}/aktualitetsprovning/",
    "/admin/mina-dokument/{}/bekrafta/",
    "/admin/rapporter/kvittens/dokument/{}/",
    "/admin/kvittens/krav/edit/{}/",
    "/admin/pages/{}/edit/",
)


@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize("address", ADMIN_ADDRESSES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_admin_address_with_too_large_an_id_is_not_found(
    admin_client_intranet, address, value, method
):
    response = getattr(admin_client_intranet, method)(address.format(value))

    assert response.status_code == 404


@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_kvittens_address_with_too_large_an_id_is_not_found(intranet_client, value, method):
    response = getattr(intranet_client, method)(f"/kvittens/{value}/bekrafta/")

    assert response.status_code == 404


@pytest.mark.parametrize("value", ["9223372036854775807", "999999"])
def test_the_largest_id_a_database_holds_is_looked_up_as_usual(admin_client_intranet, value):
    response = admin_client_intranet.get(f"/admin/beslutshistorik/{value}/")

    assert response.status_code == 404
