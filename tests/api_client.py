"""A test client for ``/api/v1/`` that authenticates with a personal API token, as integrations do."""

from __future__ import annotations

import json

from nghiquyet.accounts.services import api_token_create

API = "/api/v1"


class Api:
    def __init__(self, client, user):
        self.client = client
        _token, raw = api_token_create(actor=user, name="test")
        self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path: str, **params):
        return self.client.get(API + path, params, headers=self.headers)

    def send(self, method: str, path: str, data=None):
        return getattr(self.client, method)(API + path, json.dumps(data or {}), content_type="application/json",
                                            headers=self.headers)

    def post(self, path: str, data=None):
        return self.send("post", path, data)

    def put(self, path: str, data):
        return self.send("put", path, data)
