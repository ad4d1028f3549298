"""The optional TOTP second factor (django-otp): enrolment, confirmation, removal."""

from __future__ import annotations

import base64

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.audit.services import audit_record
from coopsec.errors import Invalid


def second_factor_required(user: User, *, require_for_admins: bool) -> bool:
    """Must this user pass a second factor? Yes once they enrolled one; administrators also
    when the deployment requires it (COOPSEC_REQUIRE_2FA=1)."""
    if user_has_device(user, confirmed=True):
        return True
    is_admin = user.is_superuser or R.ADMIN in (user.roles or [])
    return require_for_admins and is_admin


def totp_pending_device(*, actor: Actor) -> TOTPDevice:
    """The actor's unconfirmed authenticator, created on first call (not audited: nothing
    protects the account until it is confirmed)."""
    assert actor.user is not None
    device = TOTPDevice.objects.filter(user=actor.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor.user, name="authenticator", confirmed=False)
    return device


def totp_manual_key(device: TOTPDevice) -> str:
    """The secret in base32, the form authenticator apps take when typed by hand."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG (no script, no external image)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4))


def totp_confirm(*, actor: Actor, code: str) -> TOTPDevice:
    """Confirm the pending authenticator with a code from it. Raises Invalid on a wrong code."""
    assert actor.user is not None
    device = totp_pending_device(actor=actor)
    if not device.verify_token(code.strip().replace(" ", "")):
        raise Invalid(
            _("That code does not match; check the authenticator's clock and try the next code."),
            details={"code": "does not match"},
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=actor, action="auth.2fa_enrol", object_type="user", object_id=actor.user.pk
        )
    return device


def totp_remove(*, actor: Actor) -> int:
    """Remove the actor's authenticators. Returns how many were removed."""
    assert actor.user is not None
    devices = list(devices_for_user(actor.user, confirmed=None))
    with transaction.atomic():
        for device in devices:
            device.delete()
        if devices:
            audit_record(
                actor=actor, action="auth.2fa_remove", object_type="user", object_id=actor.user.pk
            )
    return len(devices)
