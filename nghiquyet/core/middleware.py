from __future__ import annotations

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Vietnamese first: the language is the user's explicit choice (the language cookie set by
    the switcher), else ``LANGUAGE_CODE``. The browser's Accept-Language is deliberately ignored:
    many phones in Vietnam are set to English while their owners work in Vietnamese."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
