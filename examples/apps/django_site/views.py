from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from example_config import User


def current_user(request: HttpRequest) -> User:  # request.user in a real project
    return User(name="Ada", stigg_customer_id=settings.EXAMPLE.customer_id)


def billing(request: HttpRequest) -> HttpResponse:
    return render(request, "billing.html", {"user": current_user(request)})


def sections(request: HttpRequest) -> HttpResponse:
    return render(request, "sections.html", {"user": current_user(request)})
