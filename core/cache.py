"""The cache as an optimisation, never a single point of failure.

`TolerantRedisCache` is Django's Redis cache with three changes:

- every call has short connect and socket timeouts and no retries (settings.CACHES OPTIONS), so a
  hung Redis costs a request at most one timeout;
- an error from Redis (refused, reset, timed out) is never raised: the call goes to a small cache in
  the process's own memory instead, and Redis is left alone for `RETRY_AFTER` seconds (a circuit
  breaker), so a dead Redis costs one timeout per process per few seconds, not one per call;
- entries kept in that local cache live at most `FALLBACK_MAX_TIMEOUT` seconds, so nothing stale
  outlives the outage by long.

Counters (the API token throttle) therefore keep counting in each process while Redis is away: the
limit is applied per process rather than across the service, which is weaker but never open.
Sessions do not use the cache at all (they are in the database), so an outage loses no sign-in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from core.breaker import CircuitBreaker

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)


class TolerantRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        self.retry_after = float(params.pop("RETRY_AFTER", 5))
        self.fallback_max_timeout = int(params.pop("FALLBACK_MAX_TIMEOUT", 60))
        super().__init__(server, params)
        self._fallback = LocMemCache(f"tolerant-fallback-{id(self)}", {
            "TIMEOUT": self.fallback_max_timeout, "KEY_PREFIX": params.get("KEY_PREFIX", ""),
            "OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._breaker = CircuitBreaker()

    # --- The circuit breaker ---
    @property
    def available(self) -> bool:
        """False while Redis is thought to be down (after an error, for RETRY_AFTER seconds)."""
        return self._breaker.available

    def _failed(self, operation: str, error: Exception) -> None:
        if self._breaker.failed(self.retry_after):
            # The error's type only: its text can carry the address, never anything personal, but keep it short.
            logger.warning("cache unreachable (%s during %s); using process memory for %.0f s",
                           type(error).__name__, operation, self.retry_after,
                           extra={"event": "cache_unavailable", "error_type": type(error).__name__})

    def _capped(self, timeout: Any) -> Any:
        if timeout is DEFAULT_TIMEOUT or timeout is None or timeout > self.fallback_max_timeout:
            return self.fallback_max_timeout
        return timeout

    def _call(self, operation: str, redis_call: Callable[[], Any], local_call: Callable[[], Any]) -> Any:
        if self.available:
            try:
                return redis_call()
            except CACHE_ERRORS as error:
                self._failed(operation, error)
        return local_call()

    # --- Every public operation of BaseCache that touches the server ---
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: super(TolerantRedisCache, self).add(key, value, timeout, version),
                          lambda: self._fallback.add(key, value, self._capped(timeout), version))

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: super(TolerantRedisCache, self).get(key, default, version),
                          lambda: self._fallback.get(key, default, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: super(TolerantRedisCache, self).set(key, value, timeout, version),
                          lambda: self._fallback.set(key, value, self._capped(timeout), version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: super(TolerantRedisCache, self).touch(key, timeout, version),
                          lambda: self._fallback.touch(key, self._capped(timeout), version))

    def delete(self, key, version=None):
        # Deleted from both: a value kept locally during an outage must not outlive its deletion.
        self._fallback.delete(key, version)
        return self._call("delete", lambda: super(TolerantRedisCache, self).delete(key, version), lambda: False)

    def get_many(self, keys, version=None):
        return self._call("get_many", lambda: super(TolerantRedisCache, self).get_many(keys, version),
                          lambda: self._fallback.get_many(keys, version))

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: super(TolerantRedisCache, self).has_key(key, version),
                          lambda: self._fallback.has_key(key, version))

    def incr(self, key, delta=1, version=None):
        return self._call("incr", lambda: super(TolerantRedisCache, self).incr(key, delta, version),
                          lambda: self._fallback.incr(key, delta, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: super(TolerantRedisCache, self).set_many(data, timeout, version),
                          lambda: self._fallback.set_many(data, self._capped(timeout), version))

    def delete_many(self, keys, version=None):
        self._fallback.delete_many(keys, version)
        return self._call("delete_many", lambda: super(TolerantRedisCache, self).delete_many(keys, version),
                          lambda: None)

    def clear(self):
        self._fallback.clear()
        return self._call("clear", lambda: super(TolerantRedisCache, self).clear(), lambda: False)

    def ping(self, timeout: float = 0.3) -> bool:
        """True if Redis answers PING within `timeout` seconds (the readiness check). A client of its own,
        so the check never waits behind the pool; never raises and ignores the breaker."""
        client = redis.Redis.from_url(self._servers[0], socket_timeout=timeout, socket_connect_timeout=timeout,
                                      retry=Retry(NoBackoff(), 0))
        try:
            ok = bool(client.ping())
        except CACHE_ERRORS as error:
            self._failed("ping", error)
            return False
        finally:
            client.close()
        self._breaker.succeeded()
        return ok
