import re

from playwright.sync_api import expect


def test_sign_up_log_in_see_home_and_log_out(page, transactional_db):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Remember the lists medicine asks of you")
    page.click("text=Sign up free")
    page.fill("input[name=username]", "newlearner")
    page.fill("input[name=email]", "new@example.com")
    page.select_option("select[name=time_zone]", "Europe/Berlin")
    page.fill("input[name=password1]", "a long unusual passphrase")
    page.fill("input[name=password2]", "a long unusual passphrase")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("newlearner")

    page.click("text=Log out")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.fill("input[name=username]", "newlearner")
    page.fill("input[name=password]", "a long unusual passphrase")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Hello, newlearner")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Dashboard")
