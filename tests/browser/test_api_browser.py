"""The API's docs page (Swagger UI from ninja's static files) in a real browser: it
renders the endpoints and runs one, under the app's CSP, fetching from no other host."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_page_works_under_the_csp_from_this_host_only(
    page, base_url, login, reader, world
):
    violations, hosts = [], set()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    login(reader)
    page.goto(f"{base_url}/api/v1/docs")
    statements = page.locator("#operations-default-negotiations_api_endpoints_statements")
    expect(statements).to_be_visible()
    # Run "list negotiations" from the page: the session's answer is shown.
    operation = page.locator("#operations-default-negotiations_api_endpoints_negotiations")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table")).to_contain_text("Peace talks")
    assert violations == []
    assert hosts == {urlsplit(base_url).netloc}
