"""Reminder settings, this device's notifications, and the unsubscribe link from e-mails."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from studyapp.forms import ReminderSettingsForm
from studyapp.models import PushSubscription, ReminderSettings
from studyapp.services import reminders


@require_http_methods(["GET", "POST"])
@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    choice, _created = ReminderSettings.objects.get_or_create(user=request.user)
    form = ReminderSettingsForm(request.POST or None, instance=choice)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your reminder settings are saved.")
        return redirect("reminders")
    context = {
        "form": form,
        "push_ready": reminders.push_configured(),
        "vapid_public_key": settings.VAPID_PUBLIC_KEY,
        "devices": PushSubscription.objects.filter(user=request.user).count(),
    }
    return render(request, "registration/reminders.html", context)


@require_POST
@login_required
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Called by the page's script with the browser's PushSubscription (JSON), CSRF header included."""
    try:
        data = json.loads(request.body)
        endpoint, keys = data["endpoint"], data["keys"]
        p256dh, auth = str(keys["p256dh"]), str(keys["auth"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"detail": "Expected a push subscription: endpoint and keys.p256dh, keys.auth."}, status=400
        )
    if not (isinstance(endpoint, str) and endpoint.startswith("https://") and len(endpoint) <= 1000):
        return JsonResponse({"detail": "The endpoint must be an https URL."}, status=400)
    reminders.save_push_subscription(
        user=request.user, endpoint=endpoint, p256dh=p256dh[:200], auth=auth[:100]
    )
    ReminderSettings.objects.update_or_create(user=request.user, defaults={"by_push": True})
    return JsonResponse({"detail": "Notifications are on for this device."})


@require_POST
@login_required
def push_forget_devices(request: HttpRequest) -> HttpResponse:
    PushSubscription.objects.filter(user=request.user).delete()
    messages.success(request, "No device gets notifications any more.")
    return redirect("reminders")


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every reminder e-mail: works without logging in (the signed token names the learner)."""
    user = reminders.user_for_unsubscribe(token)
    if user is None:
        return render(request, "registration/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        ReminderSettings.objects.filter(user=user).update(by_email=False)
        done = True
    return render(request, "registration/unsubscribe.html", {"done": done, "username": user.username})
