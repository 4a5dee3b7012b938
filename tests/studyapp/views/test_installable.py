"""The web app manifest and service worker that make studyapp installable, and the study page's offline hooks."""

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_the_manifest_names_the_app_its_start_page_and_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "studyapp" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/study/" and manifest["scope"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        if icon["type"] == "image/png":
            with open(path, "rb") as f:
                header = f.read(24)
            width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
            assert f"{width}x{height}" == icon["sizes"]


@pytest.mark.django_db
def test_the_service_worker_is_served_from_the_root_as_javascript(client):
    response = client.get("/sw.js")
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert 'addEventListener("fetch"' in body
    assert "http://" not in body and "https://" not in body and "importScripts" not in body


def test_pages_link_the_manifest_and_register_the_worker_from_static_files(student_client):
    html = student_client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'data-service-worker="/sw.js"' in html
    assert re.search(r'<script src="/static/studyapp/offline.js" defer>', html)


def test_the_study_page_holds_a_hidden_offline_reviewer(student_client, student):
    html = student_client.get("/study/").content.decode()
    reviewer = re.search(r'<div id="offline-review"[^>]*>', html).group(0)
    assert " hidden" in reviewer  # without JavaScript the page is exactly the server-rendered one
    assert 'data-package-url="/api/v1/study/offline"' in reviewer
    assert 'data-sync-url="/api/v1/study/sync"' in reviewer
    assert re.findall(r'data-rating="(\d)" data-key="(\d)"', html) == [(n, n) for n in "1234"]
