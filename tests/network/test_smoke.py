import pytest


@pytest.mark.django_db
def test_allies_today(api_client):
    response = api_client.get("/api/v1/allies")
    assert response.status_code == 200
    assert response.json()["count"] == 32
