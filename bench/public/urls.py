"""The product's addresses plus /bench/minimal, a view that returns a fixed string (bench only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from donghanh.urls import urlpatterns as product_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Đồng Hành", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/minimal", minimal), *product_urlpatterns]
