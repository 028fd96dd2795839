"""Pagination of the API's lists: page numbers, and a page size the client may choose (`?page_size=`, ≤ 500)."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
