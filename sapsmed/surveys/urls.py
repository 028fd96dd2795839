"""URLs of the surveys app."""

urlpatterns: list = []
