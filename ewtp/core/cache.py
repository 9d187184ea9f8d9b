"""Redis cache with one connection pool per process.

Django builds a cache object per thread, and each would open its own pool; threads that come and
go (a threaded server) then leave sockets behind. redis-py pools are thread-safe, so one shared
client per server list serves every thread of the process.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property


class SharedPoolRedisCache(RedisCache):
    # set by RedisCache.__init__; the stubs do not declare them
    _servers: list[str]
    _options: dict[str, Any]
    _class: type[RedisCacheClient]
    _clients: ClassVar[dict[str, RedisCacheClient]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @cached_property
    def _cache(self) -> Any:
        key = repr((self._servers, sorted(self._options.items())))
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = self._class(self._servers, **self._options)
        return client
