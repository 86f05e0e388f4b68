"""Signed-out visitors are sent to sign in, also from an htmx request."""


def test_an_htmx_request_signed_out_navigates_the_whole_page_to_sign_in(client):
    response = client.get("/en/portal", headers={"HX-Request": "true"})
    # Not a 302: the browser would follow it inside the swapped region and htmx would put the
    # sign-in page into part of the old one.
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/en/account/sign-in?next=")


def test_a_plain_request_signed_out_is_redirected_to_sign_in(client):
    response = client.get("/en/portal")
    assert response.status_code == 302
    assert "/en/account/sign-in?next=" in response.headers["Location"]
