"""The base layout: no CDN, htmx served from our static files, CSRF header for htmx, a strict CSP."""

import re


def test_pages_load_htmx_from_our_own_static_files(student_client):
    html = student_client.get("/").content.decode()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert any("htmx" in src for src in scripts)
    assert all(src.startswith("/static/") for src in scripts), scripts
    assert "<script>" not in html  # no inline script: the CSP forbids it
    assert "http://" not in html and "https://" not in html


def test_body_sends_the_csrf_token_with_every_htmx_request(student_client):
    html = student_client.get("/").content.decode()
    token = re.search(r'hx-headers=\'\{"x-csrftoken": "([^"]+)"\}\'', html)
    assert token and len(token.group(1)) >= 32


def test_content_security_policy_allows_only_our_own_scripts(student_client):
    policy = student_client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_instructors_see_the_classes_link_and_students_do_not(client, student, instructor):
    client.force_login(student)
    assert ">Classes<" not in client.get("/").content.decode()
    client.force_login(instructor)
    assert ">Classes<" in client.get("/").content.decode()
