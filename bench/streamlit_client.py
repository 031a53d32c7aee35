"""A small client that speaks Streamlit's own WebSocket protocol, as the browser does (no browser).

The browser and the server exchange protobuf messages over `/_stcore/stream`: the browser sends a
`BackMsg` whose `rerun_script` carries the widget values the learner set; the server runs the page
and streams `ForwardMsg`s (a `new_session` at the start of each run, one `delta` per element, and
`script_finished`). A page that calls `st.rerun()` or `st.switch_page()` finishes early and runs
again, so a request is answered when a run finishes successfully. Widgets are found by the key the
page gave them: a keyed widget's id ends with `-<key>`. A widget drawn inside an `st.fragment` arrives
with that fragment's id, and the browser sends it back with the widget's value: the server then runs
only the fragment, and `page` holds what that run drew.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
WIDGET_TYPES = ("radio", "button", "checkbox", "selectbox", "multiselect", "number_input", "text_input", "button_group")


class ProtocolError(Exception):
    """The server answered in a way a browser would not accept (an exception on the page, a closed socket)."""


@dataclass
class Page:
    """What the last run of a page showed: its widgets by id, and every text element."""

    widgets: dict[str, tuple[str, Any]] = field(default_factory=dict)
    fragments: dict[str, str] = field(default_factory=dict)  # widget id -> id of the fragment it is drawn in
    texts: list[str] = field(default_factory=list)
    exception: str | None = None
    page_hash: str = ""

    def widget(self, key: str) -> tuple[str, Any]:
        for widget_id, found in self.widgets.items():
            if widget_id.endswith(f"-{key}"):
                return widget_id, found[1]
        raise ProtocolError(f"no widget with key {key!r} on the page (keys: {sorted(self.keys())[:12]})")

    def keys(self) -> list[str]:
        return [widget_id.rsplit("-", 1)[-1] for widget_id in self.widgets]

    def has(self, key_prefix: str) -> bool:
        return any(f"-{key_prefix}" in widget_id for widget_id in self.widgets)

    def find(self, key_prefix: str) -> list[tuple[str, Any]]:
        return [(widget_id, proto) for widget_id, (_, proto) in self.widgets.items() if f"-{key_prefix}" in widget_id]


class StreamlitClient:
    def __init__(self, base_url: str, cookie: str | None = None, locale: str = "en-US") -> None:
        self.base_url = base_url.rstrip("/")
        self.cookie = cookie
        self.locale = locale
        self.page = Page()
        self._socket: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._finished: asyncio.Queue[tuple[int, Page]] = asyncio.Queue()
        self._building = Page()
        self._pages: dict[str, str] = {}  # url path -> page script hash

    async def connect(self) -> None:
        url = self.base_url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        headers = {"Origin": self.base_url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            self._socket = await websockets.connect(
                url, subprotocols=["streamlit"], additional_headers=headers, max_size=64 * 2**20, open_timeout=30
            )
        except websockets.InvalidHandshake as error:
            raise ProtocolError(f"the server refused the connection: {error}") from error
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()

    async def _read(self) -> None:
        try:
            async for data in self._socket:
                message = ForwardMsg()
                message.ParseFromString(data)
                self._handle(message)
        except websockets.ConnectionClosed:
            pass
        finally:
            await self._finished.put((-1, self._building))

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self._building = Page(page_hash=message.new_session.page_script_hash)
            for page in message.new_session.app_pages:
                self._pages[page.url_pathname] = page.page_script_hash
        elif kind == "navigation":
            for page in message.navigation.app_pages:
                self._pages[page.url_pathname] = page.page_script_hash
            if message.navigation.page_script_hash:
                self._building.page_hash = message.navigation.page_script_hash
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            element_type = element.WhichOneof("type")
            if element_type in WIDGET_TYPES:
                proto = getattr(element, element_type)
                self._building.widgets[proto.id] = (element_type, proto)
                if message.delta.fragment_id:
                    self._building.fragments[proto.id] = message.delta.fragment_id
            elif element_type == "exception":
                self._building.exception = element.exception.message
            elif element_type in ("markdown", "heading", "alert"):
                self._building.texts.append(getattr(element, element_type).body)
        elif kind == "script_finished":
            self._finished.put_nowait((message.script_finished, self._building))

    async def rerun(
        self, states: list[WidgetState] | None = None, page: str | None = None, timeout: float = 120.0
    ) -> float:
        """Send the widget values (and the page to show); wait until the page has run to its end.
        Returns the round trip in seconds."""
        message = BackMsg()
        client_state = message.rerun_script
        client_state.query_string = ""
        client_state.context_info.locale = self.locale
        client_state.context_info.timezone = "UTC"
        client_state.context_info.url = self.base_url + "/" + (page or "")
        if page is not None:
            client_state.page_name = page
            client_state.page_script_hash = self._pages.get(page, "")
        elif self.page.page_hash:
            client_state.page_script_hash = self.page.page_hash
        client_state.widget_states.widgets.extend(states or [])
        fragment = next((self.page.fragments[s.id] for s in states or [] if s.id in self.page.fragments), None)
        if fragment is not None and page is None:
            client_state.fragment_id = fragment
        started = time.perf_counter()
        try:
            await self._socket.send(message.SerializeToString())
        except websockets.ConnectionClosed as error:
            raise ProtocolError(f"the connection is closed: {error}") from error
        while True:
            status, built = await asyncio.wait_for(self._finished.get(), timeout)
            if status == -1:
                raise ProtocolError("the server closed the connection")
            if status == EARLY:
                continue
            self.page = built
            if built.exception:
                raise ProtocolError(f"the page raised: {built.exception}")
            return time.perf_counter() - started


def trigger(widget_id: str) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.trigger_value = True
    return state


def choose(widget_id: str, label: str) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.string_value = label
    return state


def tick(widget_id: str) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.bool_value = True
    return state
