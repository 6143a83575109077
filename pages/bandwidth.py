"""International bandwidth: by ITU region, growth per group, per Internet user."""

from __future__ import annotations

from typing import Any

import dash

from indicators.dashboard import callbacks, panels
from indicators.dashboard.state import STATE
from indicators.topics import bandwidth

TOPIC = bandwidth.TOPIC
PANELS = list(TOPIC.panels)

dash.register_page(
    __name__,
    path=TOPIC.path,
    name=TOPIC.nav,
    order=TOPIC.order,
    title=f"{TOPIC.nav} - Digital-divide indicators",
)


def layout(**query: Any) -> Any:
    return STATE.page(TOPIC.path, query, lambda given: panels.topic_page(TOPIC, given))


callbacks.register_panels(PANELS)
