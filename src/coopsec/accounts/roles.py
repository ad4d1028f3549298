"""Role codes (DESIGN.md, "Users and what they do")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COORDINATOR = "coordinator"
PARTNER_LIAISON = "partner_liaison"
INSTITUTION_MANAGER = "institution_manager"
ANALYST = "analyst"
AUDITOR = "auditor"
ADMIN = "admin"

ROLE_CHOICES = [
    (COORDINATOR, _("Coordinator")),
    (PARTNER_LIAISON, _("Partner liaison")),
    (INSTITUTION_MANAGER, _("Institution manager")),
    (ANALYST, _("Analyst")),
    (AUDITOR, _("Auditor")),
    (ADMIN, _("Administrator")),
]
ALL_ROLES = frozenset(code for code, _label in ROLE_CHOICES)
