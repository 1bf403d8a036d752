"""Sign-in (password, then a six-digit code), authenticator set-up, sign-out and role home pages."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from organisations import permissions, selectors, services, throttles
from organisations.forms import EndLockoutForm, SecurityCodeForm, SignInForm
from organisations.home import home_page_for
from organisations.middleware import SESSION_SIGNED_IN_AT


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and throttles.address_blocked(request):
        return render(request, "organisations/locked_out.html", status=429)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user = authenticate(request=request, email=email, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return render(request, "organisations/locked_out.html", status=429)
        if user is None:
            form.add_error("email", services.SignInFailed.message)  # the summary links to the first field
        else:
            login(request, user, backend="organisations.authentication.UserWithOrganisationBackend")
            request.session[SESSION_SIGNED_IN_AT] = timezone.now().timestamp()
            has_device = services.totp_device_for(user) is not None
            return redirect("sign-in-verify" if has_device else "sign-in-set-up")
    return render(
        request, "organisations/sign_in.html",
        {"form": form, "timed_out": "timeout" in request.GET},
        status=400 if request.method == "POST" else 200,
    )


def _check_code(request: HttpRequest, device, form: SecurityCodeForm) -> HttpResponse | None:
    """Verify the posted code; on success finish sign-in, on failure count it towards lockout."""
    if not form.is_valid():
        return None
    if services.is_locked_out(request=request, email=request.user.email) or throttles.address_blocked(request):
        logout(request)
        return render(request, "organisations/locked_out.html", status=429)
    if services.verify_code(device=device, code=form.cleaned_data["code"]):
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        # A new session id now the session is fully signed in, as at the password step: an id seen or
        # planted before the code was entered is worth nothing afterwards.
        request.session.cycle_key()
        services.second_factor_verified(request=request, user=request.user)
        return redirect("home")
    services.second_factor_failed(request=request, user=request.user)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return render(request, "organisations/locked_out.html", status=429)
    form.add_error("code", "The security code is not correct or has already been used. Enter the current code")
    return None


@require_http_methods(["GET", "POST"])
def sign_in_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect("home")
    device = services.totp_device_for(request.user)
    if device is None:
        return redirect("sign-in-set-up")
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST":
        response = _check_code(request, device, form)
        if response is not None:
            return response
    return render(request, "organisations/sign_in_verify.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def sign_in_set_up(request: HttpRequest) -> HttpResponse:
    """First sign-in: enrol an authenticator app from a QR code or the secret typed in."""
    if request.user.is_verified():
        return redirect("home")
    if services.totp_device_for(request.user) is not None:
        return redirect("sign-in-verify")
    device = services.totp_enrolment_start(user=request.user)
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST":
        response = _check_code(request, device, form)
        if response is not None:
            messages.success(request, "Your authenticator app is set up")
            return response
    qr_svg = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(qr_svg)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request, "organisations/sign_in_set_up.html",
        {
            "form": form,
            "qr_svg_base64": base64.b64encode(qr_svg.getvalue()).decode(),
            "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)  # flushes the session on the server, not only the cookie
    messages.success(request, "You have signed out")
    return redirect("sign-in")


def admin_sign_in(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's own login page, replaced: signed-in non-administrators are refused,
    everyone else goes through the service's two-factor sign-in."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect("sign-in")


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/home.html", home_page_for(request.user))


@require_http_methods(["GET", "POST"])
def team_lockouts(request: HttpRequest) -> HttpResponse:
    """A manager's page of colleagues locked out of signing in, each with a button that ends the lockout:
    the safe way back in for a real user whose account someone else keeps failing on (recorded)."""
    if not permissions.is_manager(request.user):
        raise PermissionDenied
    people = selectors.locked_colleagues(request.user)
    form = EndLockoutForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        person = next(p for p in people if p.pk == form.cleaned_data["user"])
        services.sign_in_lockout_end(user=person, by=request.user)
        messages.success(request, f"{person.full_name} can sign in again")
        return redirect("team-lockouts")
    return render(request, "organisations/team_lockouts.html", {"people": people, "form": form},
                  status=400 if request.method == "POST" else 200)
