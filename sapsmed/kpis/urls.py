"""URLs of the KPI pages."""

urlpatterns: list = []
