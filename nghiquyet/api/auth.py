"""API authentication: a Django session (CSRF checked on writes) or ``Authorization: Bearer <token>``."""

from __future__ import annotations

from ninja.security import HttpBearer, django_auth

from nghiquyet.accounts.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


API_AUTH = [BearerToken(), django_auth]
