"""URLs of the progress app."""

urlpatterns: list = []
