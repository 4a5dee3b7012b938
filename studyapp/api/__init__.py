"""The JSON API, version 1: `build_api` makes the NinjaAPI with our auth, limits and error shapes; the wiring
(studyapp/urls.py) adds the study router and the quiz app's router."""

from studyapp.api.base import build_api

__all__ = ["build_api"]
