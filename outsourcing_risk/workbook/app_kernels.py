"""The app's kernel manager: Voilà's, with a cap on how many kernels run at once.

Voilà starts one kernel per page load and keeps it until the server stops; with the culling
options (``cull_idle_timeout``, ``cull_interval``) jupyter_server shuts down a kernel that no page is
connected to, and this class refuses a new one beyond :attr:`CappedKernelManager.max_kernels`,
with a page that says so in words instead of a kernel that would take the machine's memory.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer

__all__ = ["AppFull", "CappedKernelManager"]


class AppFull(web.HTTPError):
    """The app serves as many visitors as it may: a 503 whose reason a person can read, with how
    long an idle page keeps its place (the app's ``--idle-minutes``)."""

    def __init__(self, most: int, idle_seconds: float):
        from .app import idle_words

        super().__init__(
            503,
            reason=(
                f"The app is full: {most} people are using it now. Close other tabs of it, or try "
                f"again in a few minutes (a page left idle frees its place after {idle_words(idle_seconds)})."
            ),
        )


class CappedKernelManager(AsyncMappingKernelManager):
    """At most :attr:`max_kernels` kernels; the next page load gets :class:`AppFull`."""

    max_kernels = Integer(12, config=True, help="The most kernels (visitors) at once.")

    async def start_kernel(self, *args, **kwargs):
        kernel_id = kwargs.get("kernel_id")
        if (kernel_id is None or kernel_id not in self) and len(self.list_kernel_ids()) >= self.max_kernels:
            raise AppFull(self.max_kernels, self.cull_idle_timeout)
        return await super().start_kernel(*args, **kwargs)
