"""Pages of partnership programmes: both sides' interests, the programme a partner builds
from the menu and the coordinators agree, its revisions, assessments and exports.

Views parse the request, call a selector or a service, render. Every write is a POST handled
by a service: a refused entry (`Invalid`) re-shows its form with the service's reasons on the
fields (status 400); a refused step (submit, agree, remove) is a message on the programme's
page. `Forbidden` is a 403 page and `NotFound` a 404. Which forms and buttons a page shows
comes from programmes/access.py, the predicates the services ask.
"""

from coopsec.programmes.views.assessments import assessment_dashboard, objective_assessment
from coopsec.programmes.views.building import (
    item_add,
    item_remove,
    item_update,
    objective_add,
    objective_remove,
    objective_update,
)
from coopsec.programmes.views.interests import interests
from coopsec.programmes.views.programme import (
    programme_agree,
    programme_comment,
    programme_create,
    programme_detail,
    programme_export,
    programme_list,
    programme_queue,
    programme_return,
    programme_submit,
    programme_update,
)
from coopsec.programmes.views.revisions import programme_revisions

__all__ = [
    "assessment_dashboard", "interests", "item_add", "item_remove", "item_update",
    "objective_add", "objective_assessment", "objective_remove", "objective_update",
    "programme_agree", "programme_comment", "programme_create", "programme_detail",
    "programme_export", "programme_list", "programme_queue", "programme_return",
    "programme_revisions", "programme_submit", "programme_update",
]  # fmt: skip
