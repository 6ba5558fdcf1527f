"""The pytest plugin as users get it: installed, registered, and used from their own tests."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from pusher_core.client import Pusher
from pusher_core.config import AppConfig
from pusher_core.errors import ApiError, InvalidArgumentError, InvalidArgumentTypeError
from pusher_core.testing import CountingNonces, FakeClock, PusherFake
from pusher_core.testing.plugin import TEST_MASTER_KEY
from pusher_core.webhooks import ChannelOccupied, ValidWebhook, verify_webhook

pytest_plugins = ["pytester"]

APP = AppConfig(app_id="42", key="app-key", secret="app-secret")


def test_the_entry_point_is_registered() -> None:
    """Installing pusher-core registers the plugin with pytest (group pytest11)."""
    (entry,) = [e for e in entry_points(group="pytest11") if e.name == "pusher_core"]
    assert entry.value == "pusher_core.testing.plugin"
    assert entry.load().__name__ == "pusher_core.testing.plugin"


def test_loading_the_plugin_loads_nothing_of_the_fake() -> None:
    """pytest imports the plugin in every suite: the fake, client and core load only on use."""
    code = (
        "import sys, pytest; before = set(sys.modules);"
        "import pusher_core.testing.plugin;"
        "print(sorted(set(sys.modules) - before))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "['pusher_core', 'pusher_core._lazy', 'pusher_core._version', 'pusher_core.testing', "
        "'pusher_core.testing.plugin']"
    )


USER_TESTS = """
import pytest
from pusher_core import Pusher
from pusher_core.testing import ChannelOccupied, PusherFake

# The app under test: its own client, built at import time from its settings.
app_client = Pusher(app_id="987", key="live-key", secret="live-secret", cluster="eu")


def announce(order_id):
    app_client.trigger(["orders", "private-staff"], "created", {"id": order_id})


def test_the_fixture_client_publishes_to_the_fake(pusher_fake: PusherFake):
    pusher_fake.client.trigger("news", "posted", {"title": "hi"})
    event = pusher_fake.assert_triggered("news", "posted", data={"title": "hi"})
    assert event.time == pusher_fake.clock() == 1_700_000_000.0
    pusher_fake.assert_not_triggered("orders")


def test_the_apps_own_client_is_patched(pusher_fake):
    pusher_fake.patch(app_client)
    announce(7)
    pusher_fake.assert_triggered("orders", "created", data={"id": 7})
    pusher_fake.assert_triggered("private-staff", "created")
    assert pusher_fake.config.app_id == "987"


def test_the_patch_is_undone_after_the_test():
    assert type(app_client.transport).__name__ != "PusherFake"


def test_queries_see_simulated_subscribers(pusher_fake):
    pusher_fake.subscribe("presence-room", user_id="ann")
    assert pusher_fake.client.channel_info("presence-room", ["user_count"])["user_count"] == 1
    assert pusher_fake.client.users_info("presence-room") == {"users": [{"id": "ann"}]}


def test_webhooks_for_the_app_verify_at_the_fake_time(pusher_fake):
    pusher_fake.clock.advance(60)
    webhook = pusher_fake.webhook(ChannelOccupied(channel="orders"))
    verdict = pusher_fake.client.verify_webhook(dict(webhook.headers), webhook.body)
    assert verdict.ok and verdict.time_ms == 1_700_000_060_000


def test_a_failed_assertion_lists_what_was_sent(pusher_fake):
    pusher_fake.client.trigger("news", "posted", "x")
    pusher_fake.assert_triggered("news", "deleted")
"""


def test_a_users_test_file_runs_with_the_fixture(pytester: pytest.Pytester) -> None:
    """A user's suite gets `pusher_fake` just by having pusher-core installed."""
    pytester.makepyfile(test_app=USER_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*No event 'news' 'deleted' was triggered. Recorded events:*",
            "*'news' 'posted' data='x'*",
        ]
    )


def test_the_config_fixture_can_be_overridden(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest
from pusher_core import AppConfig

@pytest.fixture
def pusher_fake_config():
    return AppConfig(app_id="5", key="mine", secret="shh")
"""
    )
    pytester.makepyfile(
        """
def test_it(pusher_fake):
    assert pusher_fake.client.key == "mine"
    pusher_fake.client.trigger("c", "e", "d")
    assert pusher_fake.events()[0].channel == "c"
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_plugin_can_be_turned_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_it(pusher_fake):\n    pass\n")
    result = pytester.runpytest("-p", "no:pusher_core", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'pusher_fake' not found*"])


# --- the harness itself ------------------------------------------------------------


def test_the_default_app_has_a_master_key_so_encrypted_channels_work() -> None:
    fake = PusherFake(
        AppConfig(app_id="1", key="k", secret="s", encryption_master_key=TEST_MASTER_KEY)
    )
    fake.client.trigger("private-encrypted-vault", "opened", {"code": 1})
    event = fake.assert_triggered("private-encrypted-vault", "opened", data={"code": 1})
    assert "ciphertext" in event.data


def test_runs_repeat_exactly() -> None:
    """Two fakes driven alike see byte-identical requests (fixed clock, counter nonces)."""
    config = AppConfig(app_id="1", key="k", secret="s", encryption_master_key=TEST_MASTER_KEY)
    seen = []
    for _ in range(2):
        fake = PusherFake(config)
        fake.client.trigger("private-encrypted-x", "e", "same")
        auth = fake.client.authenticate("private-x", "1.2")
        seen.append((fake.events()[0].data, json.dumps(auth)))
    assert seen[0] == seen[1]


def test_fake_clock() -> None:
    clock = FakeClock(10)
    assert (clock(), clock.now_ms, repr(clock)) == (10.0, 10_000, "FakeClock(10.0)")
    assert clock.advance(2.5) == 12.5
    clock.set(100)
    assert clock() == 100.0


def test_counting_nonces_never_repeat_and_have_the_asked_length() -> None:
    nonces = CountingNonces()
    drawn = [nonces(n) for n in (24, 24, 0, 33, 64, 16)]
    assert [len(d) for d in drawn] == [24, 24, 0, 33, 64, 16]
    assert len({d for d in drawn if d}) == 5
    assert CountingNonces()(24) == drawn[0]
    assert "deterministic" in repr(nonces)


def test_patch_takes_a_typed_client_and_undo_restores_it() -> None:
    app = Pusher.from_config(APP, clock=lambda: 5.0, nonce_source=lambda n: b"\0" * n)
    fake = PusherFake(APP)
    fake.patch(app.typed)
    assert app.transport is fake
    app.trigger("c", "e", "d")
    assert fake.events()[0].time == fake.clock()
    fake.undo()
    assert app.transport is not fake
    assert app.typed.now_ms() == 5000.0


def test_patch_adopts_another_apps_config_only_while_untouched() -> None:
    fake = PusherFake(AppConfig(app_id="1", key="k", secret="s"))
    other = Pusher.from_config(APP)
    fake.patch(other)
    assert (fake.config, fake.client.config) == (APP, APP)
    third = Pusher.from_config(AppConfig(app_id="7", key="k7", secret="s7"))
    with pytest.raises(InvalidArgumentError, match="already serves app '42'"):
        fake.patch(third)
    fake.undo()
    fake.client.trigger("c", "e", "d")
    with pytest.raises(InvalidArgumentError, match="pusher_fake_config"):
        fake.patch(third)


def test_patch_refuses_what_is_not_a_client() -> None:
    fake = PusherFake(APP)
    with pytest.raises(InvalidArgumentTypeError, match="Pusher or TypedPusher"):
        fake.patch(APP)  # type: ignore[arg-type]


def test_the_fake_checks_what_the_clients_send() -> None:
    """The wired client is a real client: the fake refuses what Pusher would."""
    fake = PusherFake(APP)
    fake.clock.advance(3600)  # the client reads the same clock: still in the window
    fake.client.trigger("c", "e", "d")
    stranger = Pusher.from_config(
        AppConfig(app_id="42", key="app-key", secret="wrong"), transport=fake, clock=fake.clock
    )
    with pytest.raises(ApiError):
        stranger.trigger("c", "e", "d")
    webhook = fake.webhook(ChannelOccupied(channel="c"))
    verdict = verify_webhook(
        APP, headers=webhook.headers, body=webhook.body, now_ms=fake.clock.now_ms
    )
    assert isinstance(verdict, ValidWebhook)
    assert "PusherFake" in repr(fake)
    assert "clock at" in repr(fake)


def test_the_testing_package_loads_each_name_on_first_use() -> None:
    """Every exported name resolves to its module's object; the import stays lazy (see above)."""
    import ast
    import importlib

    from pusher_core import testing

    for name in testing.__all__:
        module = importlib.import_module(testing._WHERE[name])
        assert getattr(testing, name) is getattr(module, name), name
    assert dir(testing) == sorted(testing.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = testing.nope
    # The TYPE_CHECKING imports (for type checkers) list the same names as the table.
    assert testing.__file__ is not None
    tree = ast.parse(Path(testing.__file__).read_text(encoding="utf-8"))
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    static = {
        node.module: tuple(sorted(alias.name for alias in node.names))
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("pusher_core")
    }
    assert static == {module: tuple(sorted(names)) for module, names in testing._EXPORTS.items()}
