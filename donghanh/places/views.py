from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from donghanh.places.forms import PlaceSearchForm
from donghanh.places.selectors import place_lookup

RESULTS_PER_KIND = 25


@require_GET
@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    form = PlaceSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    search, reading = place_lookup(query, limit=RESULTS_PER_KIND) if query else (None, None)
    return render(
        request,
        "places/lookup.html",
        {
            "form": form,
            "query": query,
            "search": search,
            "reading": reading if reading and reading.found else None,
            "limit": RESULTS_PER_KIND,
        },
    )
