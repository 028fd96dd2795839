"""URLs of the composing pages; included before the apps' own, so a composed page answers its address."""

urlpatterns: list = []
