"""REST routes of the cooperation menu."""

from ninja import Router

router = Router(tags=["activities"])
