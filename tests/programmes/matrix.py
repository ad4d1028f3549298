"""The programmes app's rows of the tenancy matrix (tests/test_tenancy_matrix.py): pages and
API routes, each in its own module."""

from __future__ import annotations

from tests.programmes.matrix_api import EXPECTATIONS as API
from tests.programmes.matrix_pages import EXPECTATIONS as PAGES
from tests.tenancy import Route

EXPECTATIONS: dict[str, Route] = {**PAGES, **API}
